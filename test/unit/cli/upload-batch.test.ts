import { once } from "node:events";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../../src/cli/main.js";
import { SessionCache } from "../../../src/core/session/cache.js";
import { fakeIO, SECRET, testSession, testSessionsDir, writeTestConfig } from "./cli-fixtures.js";

/** `strongbox upload DIR` against a local stand-in for S3 that refuses one file. */
let endpoint: string;
let close: () => void;
beforeAll(async () => {
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const refused = req.url?.includes("b.txt") === true;
      res.writeHead(refused ? 400 : 200, refused ? {} : { "x-amz-version-id": "v1" });
      res.end(refused ? "<Error><Code>BadDigest</Code><Message>x</Message></Error>" : "");
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => {
    server.closeAllConnections();
    server.close();
  };
});
afterAll(() => close());

async function setup() {
  const dir = await mkdtemp(join(tmpdir(), "sb-batch-"));
  const configPath = await writeTestConfig(dir, endpoint);
  const now = Date.now();
  await new SessionCache(testSessionsDir(configPath), Date.now).write(
    testSession("uploader", now + 3600_000, now),
  );
  const files = join(dir, "files");
  await mkdir(files);
  for (const name of ["a.txt", "b.txt", "c.txt"]) await writeFile(join(files, name), name);
  return { configPath, files };
}

/** The transfer checks the session against the real clock, so the CLI runs on it too. */
const io = () => fakeIO({ now: Date.now });

describe("strongbox upload of a folder where S3 refuses one file", () => {
  it("prints the files that did upload, then the failure; exit 1", async () => {
    const { configPath, files } = await setup();
    const f = io();
    expect(await main(["upload", files, "--config", configPath, "--role", "uploader"], f.io)).toBe(
      1,
    );
    expect(f.stdout()).toMatch(/^uploaded a\.txt .*\nuploaded c\.txt .*\n$/);
    expect(f.stderr()).toMatch(/strongbox: 1 of 3 files were not uploaded \(.*b\.txt: /);
    expect(f.stderr()).not.toContain(SECRET);
  });

  it("--json: the uploaded files as `result` beside the `error`", async () => {
    const { configPath, files } = await setup();
    const f = io();
    expect(
      await main(["upload", files, "--json", "--config", configPath, "--role", "uploader"], f.io),
    ).toBe(1);
    const out = JSON.parse(f.stdout());
    expect(out.result.files.map((r: { key: string }) => r.key)).toEqual(["a.txt", "c.txt"]);
    expect(out.error).toMatchObject({ kind: "failed", exitCode: 1 });
    expect(f.stdout()).not.toContain("X-Amz-Signature");
  });
});
