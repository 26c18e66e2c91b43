import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../../../src/cli/main.js";
import { fakeIO } from "../cli-fixtures.js";

const arn = (role: string) => `arn:aws:iam::123456789012:role/strongbox-${role}`;
/** `tofu output -json` of a deployment, as a saved file. */
const outputs = Object.fromEntries(
  Object.entries({
    region: "us-east-1",
    bucket_name: "strongbox-data",
    kms_key_arn: "arn:aws:kms:us-east-1:123456789012:key/abc",
    role_arns: { uploader: arn("uploader"), viewer: arn("viewer"), admin: arn("admin") },
    admin_mfa_required: true,
    max_session_duration_seconds: 3600,
  }).map(([name, value]) => [name, { sensitive: false, type: "x", value }]),
);

async function setup() {
  const dir = await mkdtemp(join(tmpdir(), "sb-configure-"));
  const file = join(dir, "outputs.json");
  await writeFile(file, JSON.stringify(outputs));
  return { config: join(dir, "config.json"), file };
}

describe("configure --from-terraform", () => {
  it("keeps the settings a person made (default role, MFA device and session, transfer tuning)", async () => {
    const { config, file } = await setup();
    const first = fakeIO({ env: { STRONGBOX_CONFIG: config } });
    expect(await main(["configure", "--from-terraform", file], first.io), first.stderr()).toBe(0);
    const written = JSON.parse(await readFile(config, "utf8"));
    const personal = {
      defaultRole: "viewer",
      mfaSerial: "arn:aws:iam::123456789012:mfa/alice",
      mfaSessionSeconds: 7200,
      transfer: { concurrency: 8 },
    };
    await writeFile(config, JSON.stringify({ ...written, ...personal, bucket: "stale-bucket" }));

    const again = fakeIO({ env: { STRONGBOX_CONFIG: config } });
    expect(await main(["--json", "configure", "--from-terraform", file], again.io)).toBe(0);
    expect(JSON.parse(again.stdout()).kept).toEqual(Object.keys(personal));
    const rewritten = JSON.parse(await readFile(config, "utf8"));
    expect(rewritten).toMatchObject({ ...personal, bucket: "strongbox-data" });
  });

  it("replaces a config it cannot read, and says nothing was kept", async () => {
    const { config, file } = await setup();
    await writeFile(config, "{ not json");
    const f = fakeIO({ env: { STRONGBOX_CONFIG: config } });
    expect(await main(["configure", "--from-terraform", file], f.io)).toBe(0);
    expect(f.stdout()).not.toContain("kept");
    expect(JSON.parse(await readFile(config, "utf8")).bucket).toBe("strongbox-data");
  });
});
