import {
  chmod,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  stat,
  symlink,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../../../src/cli/main.js";
import {
  defaultStateDir,
  legacySessionsDirOf,
  sessionsDirFor,
} from "../../../../src/core/config.js";
import { SessionCache, sessionCacheOf } from "../../../../src/core/session/cache.js";
import {
  fakeIO,
  T0,
  testSession,
  testSessionsDir,
  writeTestConfig,
} from "../../cli/cli-fixtures.js";

/**
 * Role-session credentials live in the user's state folder, never beside a
 * config that happens to sit in a project folder; a cache folder others can
 * read, another user's, or a symlink is refused with the command that fixes it.
 */

const arns = {
  uploader: "arn:aws:iam::123456789012:role/sb-uploader",
  viewer: "arn:aws:iam::123456789012:role/sb-viewer",
  admin: "arn:aws:iam::123456789012:role/sb-admin",
};
const tmp = (prefix: string) => mkdtemp(join(tmpdir(), prefix));
const viewer = () => testSession("viewer", T0 + 3600_000);

describe("where the session cache lives", () => {
  const config = "/work/project/.strongbox/config.json";

  it.each([
    ["Linux default", {}, "linux", "/home/u/.local/state/strongbox"],
    ["XDG_STATE_HOME", { XDG_STATE_HOME: "/xdg" }, "linux", "/xdg/strongbox"],
    [
      "a relative XDG_STATE_HOME is ignored",
      { XDG_STATE_HOME: "rel" },
      "linux",
      "/home/u/.local/state/strongbox",
    ],
    ["macOS", {}, "darwin", "/home/u/Library/Application Support/strongbox"],
    [
      "STRONGBOX_STATE_DIR wins",
      { STRONGBOX_STATE_DIR: "/s", XDG_STATE_HOME: "/xdg" },
      "linux",
      "/s",
    ],
  ] as const)("%s", (_name, env, platform, expected) => {
    expect(defaultStateDir(env, "/home/u", platform)).toBe(expected);
  });

  it("Windows: %LOCALAPPDATA%\\strongbox", () => {
    expect(
      defaultStateDir({ LOCALAPPDATA: "C:\\Users\\u\\AppData\\Local" }, "C:\\Users\\u", "win32"),
    ).toBe("C:\\Users\\u\\AppData\\Local\\strongbox");
    expect(defaultStateDir({}, "C:\\Users\\u", "win32")).toBe(
      "C:\\Users\\u\\AppData\\Local\\strongbox",
    );
  });

  it("never beside a config in a project folder; one folder per config", () => {
    const dir = sessionsDirFor(config, {}, "/home/u", "linux");
    expect(dir).toMatch(/^\/home\/u\/\.local\/state\/strongbox\/sessions\/[0-9a-f]{16}$/);
    expect(dir.startsWith("/work/project")).toBe(false);
    expect(sessionsDirFor("/other/config.json", {}, "/home/u", "linux")).not.toBe(dir);
    expect(legacySessionsDirOf(config)).toBe("/work/project/.strongbox/sessions");
  });

  it("the CLI writes and reads sessions there, not beside the config", async () => {
    const project = await tmp("sb-project-");
    const configPath = await writeTestConfig(project);
    await sessionCacheOf({ configPath, sessionsDir: testSessionsDir(configPath) }, () => T0).write(
      viewer(),
    );
    const f = fakeIO();
    expect(await main(["whoami", "--config", configPath], f.io)).toBe(0);
    expect(await readdir(project)).toEqual(["config.json"]);
    expect((await stat(join(testSessionsDir(configPath), "viewer.json"))).mode & 0o777).toBe(0o600);
  });
});

describe("sessions from the old place (beside the config) are moved on first use", () => {
  it("moved 0600 into the state folder; the old folder is gone", async () => {
    const project = await tmp("sb-project-");
    const configPath = await writeTestConfig(project);
    const legacy = legacySessionsDirOf(configPath);
    await new SessionCache(legacy, () => T0).write(viewer()); // as the previous version did
    const f = fakeIO();
    expect(await main(["whoami", "--config", configPath, "--json"], f.io)).toBe(0);
    expect(JSON.parse(f.stdout())).toMatchObject({ role: "viewer" });
    expect(await readdir(project)).toEqual(["config.json"]);
    const moved = join(testSessionsDir(configPath), "viewer.json");
    expect((await stat(moved)).mode & 0o777).toBe(0o600);
    expect((await stat(testSessionsDir(configPath))).mode & 0o777).toBe(0o700);
  });

  it("files that are not strongbox sessions are left where they are", async () => {
    const root = await tmp("sb-legacy-");
    const legacy = join(root, "sessions");
    await mkdir(legacy, { mode: 0o700 });
    await writeFile(join(legacy, "admin.json"), '{"mine": true}', { mode: 0o600 });
    await writeFile(join(legacy, "notes.txt"), "hello");
    const cache = new SessionCache(join(root, "state"), () => T0, undefined, { legacyDir: legacy });
    expect((await cache.lookup("admin", arns.admin)).use).toBe(false);
    expect((await readdir(legacy)).sort()).toEqual(["admin.json", "notes.txt"]);
  });

  it("an old folder others can read is refused, not copied from", async () => {
    const root = await tmp("sb-legacy-");
    const legacy = join(root, "sessions");
    await new SessionCache(legacy, () => T0).write(viewer());
    await chmod(legacy, 0o755);
    const cache = new SessionCache(join(root, "state"), () => T0, undefined, { legacyDir: legacy });
    await expect(cache.lookup("viewer", arns.viewer)).rejects.toThrow(
      /old session cache folder .*sessions: others may read or change it \(mode 0755\)/,
    );
  });
});

describe("a cache folder or file that is not private is refused", () => {
  async function cacheWithViewer() {
    const dir = join(await tmp("sb-sess-"), "sessions");
    const cache = new SessionCache(dir, () => T0);
    await cache.write(viewer());
    return { dir, cache };
  }

  it("folder with group/other bits: refused, the error says how to fix it", async () => {
    const { dir } = await cacheWithViewer();
    await chmod(dir, 0o755);
    const fresh = new SessionCache(dir, () => T0);
    const refused = fresh.lookup("viewer", arns.viewer);
    await expect(refused).rejects.toThrow(
      `Refusing to use the session cache folder ${dir}: others may read or change it (mode 0755).`,
    );
    await expect(refused).rejects.toMatchObject({
      hint: expect.stringContaining(`chmod 700 "${dir}"`),
    });
    await expect(new SessionCache(dir, () => T0).lookupAll(arns)).rejects.toThrow(/mode 0755/);
  });

  it("no credentials are written into a loose folder", async () => {
    const dir = join(await tmp("sb-sess-"), "sessions");
    await mkdir(dir, { mode: 0o777 });
    await chmod(dir, 0o777);
    await expect(new SessionCache(dir, () => T0).write(viewer())).rejects.toThrow(/mode 0777/);
    expect(await readdir(dir)).toEqual([]);
  });

  it("a folder that belongs to another user is refused", async () => {
    const { dir } = await cacheWithViewer();
    const owner = (await stat(dir)).uid;
    const cache = new SessionCache(dir, () => T0, undefined, { uid: owner + 4242 });
    await expect(cache.lookup("viewer", arns.viewer)).rejects.toThrow(
      `belongs to uid ${owner}, not to you (uid ${owner + 4242})`,
    );
  });

  it("a symlinked cache folder is refused", async () => {
    const { dir } = await cacheWithViewer();
    const link = join(await tmp("sb-sess-"), "sessions");
    await symlink(dir, link);
    await expect(new SessionCache(link, () => T0).lookup("viewer", arns.viewer)).rejects.toThrow(
      /it is a symbolic link/,
    );
  });

  it("a credential file others can read is refused (chmod 600), a symlinked one too", async () => {
    const { dir, cache } = await cacheWithViewer();
    await chmod(cache.pathOf("viewer"), 0o644);
    const refused = new SessionCache(dir, () => T0).lookup("viewer", arns.viewer);
    await expect(refused).rejects.toThrow(
      /viewer\.json: others may read or change it \(mode 0644\)/,
    );
    await expect(refused).rejects.toMatchObject({ hint: expect.stringContaining("chmod 600") });

    const other = join(dir, "..", "elsewhere.json");
    await writeFile(other, await readFile(cache.pathOf("viewer")), { mode: 0o600 });
    await chmod(cache.pathOf("viewer"), 0o600);
    const { rm } = await import("node:fs/promises");
    await rm(cache.pathOf("viewer"));
    await symlink(other, cache.pathOf("viewer"));
    await expect(new SessionCache(dir, () => T0).lookup("viewer", arns.viewer)).rejects.toThrow(
      /it is a symbolic link/,
    );
  });

  it("the CLI: exit 1 with the message and the fix, nothing used", async () => {
    const project = await tmp("sb-project-");
    const configPath = await writeTestConfig(project);
    await sessionCacheOf({ configPath, sessionsDir: testSessionsDir(configPath) }, () => T0).write(
      viewer(),
    );
    await chmod(testSessionsDir(configPath), 0o750);
    const f = fakeIO();
    expect(await main(["whoami", "--config", configPath], f.io)).toBe(1);
    expect(f.stderr()).toContain("others may read or change it (mode 0750)");
    expect(f.stderr()).toMatch(/hint: Credentials stay 0600 in a 0700 folder: run `chmod 700 /);
    expect(f.stdout()).toBe("");
  });
});
