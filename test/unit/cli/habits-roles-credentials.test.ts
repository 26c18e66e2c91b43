import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { main } from "../../../src/cli/main.js";
import { liveIO as io, SECRET } from "./cli-fixtures.js";
import { tty, useHabitsS3 } from "./habits-fixtures.js";

/**
 * Issue 12 habits 2 and 5, roles and credentials: which role a command runs as,
 * exec and env handing a role session to another tool, and a missing --profile
 * named like the AWS CLI names it.
 */
// These run the whole CLI in-process (first import, files, a local server): on a
// loaded 2-core machine the 5 s default is not a bound on anything they assert.
vi.setConfig({ testTimeout: 120_000 });

const { requests, setup } = useHabitsS3();

describe("2. the role is explicit", () => {
  it("two live sessions and no --role: a read says on stderr which role it used", async () => {
    const { configPath } = await setup(["viewer", "admin"]);
    const f = io();
    expect(await main(["whoami", "--config", configPath], f.io)).toBe(0);
    expect(f.stderr()).toMatch(
      /^note: using role viewer: the most recently logged-in of 2 live sessions \(viewer, admin\)/,
    );
  });

  it("a write with two live sessions and no terminal refuses (exit 2); STRONGBOX_ROLE settles it", async () => {
    const { dir, configPath } = await setup(["uploader", "admin"]);
    await writeFile(join(dir, "f.txt"), "x");
    const f = io();
    expect(await main(["upload", join(dir, "f.txt"), "--config", configPath], f.io)).toBe(2);
    expect(f.stderr()).toMatch(
      /2 role sessions are live \(uploader, admin\): say which one should upload\nhint: pass --role R, set STRONGBOX_ROLE/,
    );
    expect(requests).toEqual([]);
    const g = io({ STRONGBOX_ROLE: "admin" });
    expect(await main(["whoami", "--json", "--config", configPath], g.io)).toBe(0);
    expect(JSON.parse(g.stdout()).role).toBe("admin");
    expect(g.stderr()).toBe("");
  });

  it("a write with two live sessions on a terminal asks which role", async () => {
    const { configPath } = await setup(["viewer", "admin"]);
    const f = tty(["admin", "y"]);
    expect(await main(["rm", "k.txt", "--config", configPath], f.io)).toBe(0);
    expect(f.asked[0]).toMatch(/Role to delete as \[viewer\]: $/);
    expect(requests.filter((r) => r.startsWith("DELETE"))).toHaveLength(1);
  });

  it("a bad STRONGBOX_ROLE is a usage error", async () => {
    const { configPath } = await setup();
    const f = io({ STRONGBOX_ROLE: "root" });
    expect(await main(["ls", "--config", configPath], f.io)).toBe(2);
    expect(f.stderr()).toContain(
      'STRONGBOX_ROLE must be one of uploader, viewer, admin, not "root"',
    );
  });
});

describe("5. exec and env hand a role session to another tool", () => {
  it("exec runs CMD with the session's variables and passes on its exit code", async () => {
    const { configPath } = await setup(["viewer"]);
    const f = io({ AWS_PROFILE: "someone-else", PATH: process.env.PATH });
    const script =
      "process.exit(process.env.AWS_ACCESS_KEY_ID==='ASIAEXAMPLEEXAMPLE01' && process.env.STRONGBOX_ROLE==='viewer' && !process.env.AWS_PROFILE ? 7 : 1)";
    expect(
      await main(
        ["exec", "--role", "viewer", "--config", configPath, "--", process.execPath, "-e", script],
        f.io,
      ),
    ).toBe(7);
  });

  it("env prints shell exports; --json names the variables without their values", async () => {
    const { configPath } = await setup(["viewer"]);
    const f = io();
    expect(await main(["env", "--role", "viewer", "--config", configPath], f.io)).toBe(0);
    expect(f.stdout()).toContain(`export AWS_SECRET_ACCESS_KEY='${SECRET}'`);
    const j = io();
    expect(await main(["env", "--role", "viewer", "--json", "--config", configPath], j.io)).toBe(0);
    expect(j.stdout()).not.toContain(SECRET);
    expect(JSON.parse(j.stdout()).variables).toContain("AWS_SESSION_TOKEN");
  });
});

describe("5. credentials like the AWS CLI", () => {
  it("a missing --profile is named in the error, and the hint does not suggest --profile", async () => {
    const { dir, configPath } = await setup([]);
    await writeFile(join(dir, "aws-config"), "[default]\nregion = us-east-1\n");
    const f = io({
      AWS_CONFIG_FILE: join(dir, "aws-config"),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, "aws-credentials"),
      AWS_EC2_METADATA_DISABLED: "true",
    });
    const saved = { ...process.env };
    // The SDK's chain reads process.env itself.
    Object.assign(process.env, f.io.env);
    delete process.env.AWS_PROFILE;
    delete process.env.AWS_ACCESS_KEY_ID;
    try {
      expect(
        await main(
          ["login", "--role", "viewer", "--profile", "nosuch", "--config", configPath],
          f.io,
        ),
      ).toBe(5);
    } finally {
      process.env = saved;
    }
    expect(f.stderr()).toMatch(/^strongbox: AWS profile "nosuch" gives no credentials/);
    // The hint names the files the SDK read (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE).
    expect(f.stderr()).toContain(
      `\nhint: check [profile nosuch] in ${join(dir, "aws-config")} or [nosuch] in ${join(dir, "aws-credentials")}`,
    );
    expect(f.stderr()).not.toContain("pass --profile");
  });
});
