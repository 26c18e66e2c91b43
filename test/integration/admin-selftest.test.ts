import { beforeAll, describe, expect, it } from "vitest";
import { EMULATOR_GAPS } from "../../src/core/selftest/steps.js";
import { cliSandbox } from "./cli-helpers.js";

/*
 * `strongbox selftest` on the local stack: the steps the emulator supports
 * run for real (uploader PUT through a pre-signed URL, SSE-KMS with the
 * deployment's key, a version, viewer GET and list, admin delete marker, the
 * deployment's alarms, clean-up); the ones it cannot show are skipped with
 * the reason, never passed.
 */
describe("strongbox selftest on the local stack", () => {
  let sb: Awaited<ReturnType<typeof cliSandbox>>;

  beforeAll(async () => {
    sb = await cliSandbox();
    for (const role of ["uploader", "viewer", "admin"]) {
      const r = await sb.run(["login", "--role", role, "--profile", `local-${role}`]);
      expect(r.code, r.stderr).toBe(0);
    }
  });

  it("runs what the emulator supports and names what it cannot", async () => {
    const r = await sb.run(["selftest", "--json"]);
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    const report = r.json();
    expect(report.environment).toBe("emulator");
    const status = Object.fromEntries(
      report.steps.map((s: { name: string; status: string }) => [s.name, s.status]),
    );
    expect(status).toEqual({
      "uploader puts an object": "pass",
      "upload encrypted with the deployment's key": "pass",
      "a version appears": "pass",
      "viewer gets the object": "pass",
      "viewer lists the bucket": "pass",
      "viewer refused: put": "skipped",
      "uploader refused: get": "skipped",
      "uploader refused: delete": "skipped",
      "uploader refused: write naming another KMS key": "skipped",
      "plain HTTP refused": "skipped",
      "admin refused: change bucket settings": "skipped",
      "admin deletes (delete marker)": "pass",
      // envs/local creates no alarms: moto lacks the provider's CloudWatch protocol.
      "the deployment's alarms exist": "skipped",
      "burst of failed uploads raises the alarm": "skipped",
      "the alarm notified the SNS topic": "skipped",
      "a person receives the notification": "skipped",
      "audit finds the refused uploads": "skipped",
      "clean up": "pass",
    });
    const detail = (name: string) =>
      report.steps.find((s: { name: string }) => s.name === name).detail as string;
    expect(detail("viewer refused: put")).toBe(EMULATOR_GAPS.iam);
    expect(detail("burst of failed uploads raises the alarm")).toBe(EMULATOR_GAPS.trail);
    expect(detail("upload encrypted with the deployment's key")).toMatch(/^aws:kms with /);
    expect(detail("the deployment's alarms exist")).toMatch(/lists no alarms/);
    // Progress went to stderr, one line per step start and end.
    expect(r.stderr.match(/^\[\d+\/18\] (PASS|SKIPPED) /gm)).toHaveLength(18);
  });

  it("without the other roles' sessions, their steps are skipped with the login to run", async () => {
    const admin = await cliSandbox();
    const login = await admin.run(["login", "--role", "admin", "--profile", "local-admin"]);
    expect(login.code, login.stderr).toBe(0);
    const r = await admin.run(["selftest", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const upload = r
      .json()
      .steps.find((s: { name: string }) => s.name === "uploader puts an object");
    expect(upload.status).toBe("skipped");
    expect(upload.detail).toMatch(/login --role uploader/);
  });
});
