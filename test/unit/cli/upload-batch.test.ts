import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../../src/cli/main.js";
import { configWithSessions, liveIO as io, SECRET, useFakeS3 } from "./cli-fixtures.js";

/** `strongbox upload DIR` against a local stand-in for S3 that refuses one file. */
const s3 = useFakeS3((req, res) => {
  req.resume();
  req.on("end", () => {
    const refused = req.url?.includes("b.txt") === true;
    res.writeHead(refused ? 400 : 200, refused ? {} : { "x-amz-version-id": "v1" });
    res.end(refused ? "<Error><Code>BadDigest</Code><Message>x</Message></Error>" : "");
  });
});

async function setup() {
  const { dir, configPath } = await configWithSessions(s3.endpoint, ["uploader"]);
  const files = join(dir, "files");
  await mkdir(files);
  for (const name of ["a.txt", "b.txt", "c.txt"]) await writeFile(join(files, name), name);
  return { configPath, files };
}

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
