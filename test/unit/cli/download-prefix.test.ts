import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../../src/cli/main.js";
import { configWithSessions, liveIO as io, SECRET, useFakeS3 } from "./cli-fixtures.js";

/** A local stand-in for S3 holding a few objects: ListObjectsV2 (2 keys a page), HEAD, GET. */
const objects = new Map<string, Buffer>([
  ["photos/a.jpg", Buffer.from("aaaa")],
  ["photos/2024/b.jpg", Buffer.from("bbbbbb")],
  ["photos/2024/summer/c.jpg", Buffer.from("c")],
  ["photos/2024/", Buffer.alloc(0)], // a console-made "folder" marker
  ["photosphere.jpg", Buffer.from("not under photos/")],
  ["other/d.jpg", Buffer.from("d")],
]);
const hostile = new Map([...objects, ["photos/../escape", Buffer.from("x")]]);
let served = objects;
const listed: string[] = [];
const s3 = useFakeS3((req, res) => {
  const url = new URL(req.url ?? "/", "http://x");
  const path = decodeURIComponent(url.pathname.replace(/^\/sb-data\/?/, ""));
  if (req.method === "GET" && url.searchParams.get("list-type") === "2") {
    listed.push(url.search);
    const prefix = url.searchParams.get("prefix") ?? "";
    const keys = [...served.keys()].filter((k) => k.startsWith(prefix)).sort();
    const start = Number(url.searchParams.get("continuation-token") ?? 0);
    const page = keys.slice(start, start + 2);
    const more = start + 2 < keys.length;
    res.end(
      `<ListBucketResult><IsTruncated>${more}</IsTruncated>${more ? `<NextContinuationToken>${start + 2}</NextContinuationToken>` : ""}` +
        page
          .map((k) => `<Contents><Key>${k}</Key><Size>${served.get(k)?.length}</Size></Contents>`)
          .join("") +
        "</ListBucketResult>",
    );
    return;
  }
  const body = served.get(path);
  if (body === undefined) {
    res.writeHead(404).end("<Error><Code>NoSuchKey</Code></Error>");
    return;
  }
  res.writeHead(200, {
    "content-length": String(body.length),
    etag: '"e"',
    "x-amz-checksum-sha256": createHash("sha256").update(body).digest("base64"),
  });
  res.end(req.method === "HEAD" ? undefined : body);
});

const setup = () => configWithSessions(s3.endpoint, ["viewer"]);

/** `download photos/ --out OUT/` as the viewer. */
const downloadPhotos = (out: string, configPath: string, f: ReturnType<typeof io>) =>
  main(
    ["download", "photos/", "--out", `${out}/`, "--config", configPath, "--role", "viewer"],
    f.io,
  );

async function tree(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(root, join(e.parentPath, e.name)))
    .sort();
}

describe("strongbox download PREFIX/ --out DIR/", () => {
  it("downloads every object under the prefix, keeping the tree below it (across list pages)", async () => {
    served = objects;
    listed.length = 0;
    const { dir, configPath } = await setup();
    const out = join(dir, "out");
    const f = io();
    const code = await downloadPhotos(out, configPath, f);
    expect(f.stderr()).toBe("");
    expect(code).toBe(0);
    expect(await tree(out)).toEqual(["2024/b.jpg", "2024/summer/c.jpg", "a.jpg"]);
    expect(await readFile(join(out, "2024/summer/c.jpg"), "utf8")).toBe("c");
    expect(f.stdout().trim().split("\n")).toHaveLength(3);
    expect(f.stdout()).toContain("verified: sha256");
    expect(listed.length).toBeGreaterThan(1); // followed the continuation token
    expect(listed.every((q) => q.includes("prefix=photos%2F"))).toBe(true);
  });

  it("--json puts the downloaded files in files[]; a folder without a trailing / works too", async () => {
    served = objects;
    const { dir, configPath } = await setup();
    const f = io();
    const code = await main(
      ["download", "photos/2024/", "--out", join(dir, "o"), "--json", "--config", configPath],
      f.io,
    );
    expect(code).toBe(0);
    const json = JSON.parse(f.stdout()) as {
      files: Array<{ key: string; path: string }>;
      planned: unknown[];
      unchanged: unknown[];
      dryRun: boolean;
    };
    expect(json).toMatchObject({ planned: [], unchanged: [], dryRun: false });
    const out = json.files;
    expect(out.map((o) => o.key)).toEqual(["photos/2024/b.jpg", "photos/2024/summer/c.jpg"]);
    expect(out.map((o) => relative(join(dir, "o"), o.path))).toEqual(["b.jpg", "summer/c.jpg"]);
    expect(f.stdout()).not.toContain("X-Amz-Signature");
    expect(f.stdout() + f.stderr()).not.toContain(SECRET);
  });

  it("a hostile key under the prefix is refused and named; the others still arrive (exit 1)", async () => {
    served = hostile;
    const { dir, configPath } = await setup();
    const out = join(dir, "out");
    const f = io();
    const code = await downloadPhotos(out, configPath, f);
    served = objects;
    expect(code).toBe(1);
    expect(f.stderr()).toMatch(/1 of 4 objects were not downloaded \(photos\/\.\.\/escape: /);
    expect(await tree(out)).toEqual(["2024/b.jpg", "2024/summer/c.jpg", "a.jpg"]);
    expect(await tree(dir)).not.toContain("escape");
  });

  it("--version-id with a prefix is a usage error", async () => {
    const { configPath } = await setup();
    const f = io();
    expect(
      await main(["download", "photos/", "--version-id", "v1", "--config", configPath], f.io),
    ).toBe(2);
    expect(f.stderr()).toMatch(/--version-id names one object's version/);
  });

  it("--exclude / --include match names below the prefix; --dry-run lists them and writes nothing", async () => {
    served = objects;
    const { dir, configPath } = await setup();
    const out = join(dir, "out");
    const f = io();
    const argv = ["download", "photos/", "--out", `${out}/`, "--config", configPath, "--json"];
    const select = ["--exclude", "2024/", "--include", "2024/summer/"];
    // As in .gitignore, a file inside an excluded folder cannot be taken back.
    const code = await main([...argv, ...select, "--exclude", "a.jpg", "--dry-run"], f.io);
    expect(code).toBe(0);
    expect(JSON.parse(f.stdout())).toEqual({
      files: [],
      planned: [],
      unchanged: [],
      dryRun: true,
    });
    const g = io();
    expect(
      await main([...argv, "--exclude", "*.jpg", "--include", "c.jpg", "--dry-run"], g.io),
    ).toBe(0);
    const planned = JSON.parse(g.stdout()) as { planned: Array<{ key: string; path: string }> };
    expect(planned.planned).toEqual([
      { key: "photos/2024/summer/c.jpg", path: join(out, "2024/summer/c.jpg"), size: 1 },
    ]);
    expect(g.stderr()).toContain("2 objects excluded");
    expect(await tree(dir)).not.toContain("out/2024/summer/c.jpg");
    const h = io();
    expect(await main([...argv, "--exclude", "2024/"], h.io)).toBe(0);
    expect(await tree(out)).toEqual(["a.jpg"]);
  });

  it("a second run leaves files that match the objects alone (unchanged[])", async () => {
    served = objects;
    const { dir, configPath } = await setup();
    const argv = ["download", "photos/", "--out", `${join(dir, "out")}/`, "--config", configPath];
    expect(await main(argv, io().io)).toBe(0);
    const f = io();
    expect(await main([...argv, "--json"], f.io)).toBe(0);
    const json = JSON.parse(f.stdout()) as { files: unknown[]; unchanged: Array<{ key: string }> };
    expect(json.files).toEqual([]);
    expect(json.unchanged.map((u) => u.key).sort()).toEqual([
      "photos/2024/b.jpg",
      "photos/2024/summer/c.jpg",
      "photos/a.jpg",
    ]);
  });

  it("--out - with a prefix, and --exclude with a single key, are usage errors", async () => {
    const { configPath } = await setup();
    const f = io();
    expect(await main(["download", "photos/", "--out", "-", "--config", configPath], f.io)).toBe(2);
    expect(f.stderr()).toMatch(/a prefix needs a folder/);
    const g = io();
    expect(
      await main(["download", "photos/a.jpg", "--exclude", "*.jpg", "--config", configPath], g.io),
    ).toBe(2);
    expect(g.stderr()).toMatch(/choose objects under a prefix/);
  });
});
