import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import type { HttpRequest, Transport } from "../../../../src/core/transfer/transport.js";
import {
  commonFolder,
  listedSizes,
  partitionUnchanged,
} from "../../../../src/core/transfer/unchanged.js";
import { clock, presigner, sha256, workdir } from "./download-fixtures.js";

/**
 * S3 holding `objects` (checksums included): ListObjectsV2 in pages of
 * `pageSize` (endlessly truncated with `endless`), HEAD by key; `denyList`
 * answers the listing 403, as to a role without s3:ListBucket.
 */
function bucket(
  objects: Record<string, Buffer>,
  opts: { denyList?: boolean; endless?: boolean; pageSize?: number } = {},
): Transport & { requests: HttpRequest[] } {
  const requests: HttpRequest[] = [];
  const answer = (status: number, body: string, headers: Record<string, string> = {}) => ({
    status,
    headers,
    body: Readable.from([Buffer.from(body)]),
    text: async () => body,
    discard: async () => {},
  });
  return {
    requests,
    async send(req) {
      requests.push(req);
      const url = new URL(req.url);
      if (url.searchParams.get("list-type") === "2") {
        if (opts.denyList) return answer(403, "<Error><Code>AccessDenied</Code></Error>");
        const prefix = url.searchParams.get("prefix") ?? "";
        const keys = Object.keys(objects).filter((k) => k.startsWith(prefix));
        const from = Number(url.searchParams.get("continuation-token") ?? 0);
        const page = keys.slice(from, from + (opts.pageSize ?? 1000));
        const next = from + page.length;
        const more = opts.endless === true || next < keys.length;
        const contents = page
          .map((k) => `<Contents><Key>${k}</Key><Size>${objects[k]?.length}</Size></Contents>`)
          .join("");
        return answer(
          200,
          `<ListBucketResult>${contents}<IsTruncated>${more}</IsTruncated>${
            more ? `<NextContinuationToken>${next + 1}</NextContinuationToken>` : ""
          }</ListBucketResult>`,
        );
      }
      const data = objects[decodeURIComponent(url.pathname.slice(1))];
      if (data === undefined) return answer(404, "");
      return answer(200, "", {
        "content-length": String(data.length),
        etag: '"0123456789abcdef0123456789abcdef"',
        "x-amz-version-id": "v1",
        "x-amz-checksum-sha256": sha256(data),
      });
    },
    close: async () => {},
  };
}

async function localFiles(files: Record<string, string>) {
  const dir = await workdir();
  const jobs = [];
  for (const [key, text] of Object.entries(files)) {
    const path = join(dir, key.replaceAll("/", "_"));
    await writeFile(path, text);
    jobs.push({ path, key });
  }
  return jobs;
}

describe("unchanged files: one listing instead of a HEAD per file", () => {
  it("asks S3 about the same-size files only; the listing settles the missing and resized ones", async () => {
    const transport = bucket({
      "up/same.txt": Buffer.from("same bytes"),
      "up/resized.txt": Buffer.from("shorter"),
      "up/other-folder-file": Buffer.from("not ours"),
    });
    const jobs = await localFiles({
      "up/same.txt": "same bytes",
      "up/resized.txt": "longer than in S3",
      "up/new.txt": "new",
    });
    const deps = { presigner, transport, clock };
    const split = await partitionUnchanged(deps, "b", jobs);
    expect(split.unchanged.map((j) => j.key)).toEqual(["up/same.txt"]);
    expect(split.send.map((j) => j.key)).toEqual(["up/resized.txt", "up/new.txt"]);
    // One listing of the common folder, then one HEAD: the file whose size matched.
    expect(transport.requests.map((r) => r.method)).toEqual(["GET", "HEAD"]);
    expect(new URL(transport.requests[0]?.url ?? "").searchParams.get("prefix")).toBe("up/");
  });

  it("a role that may not list (the Uploader) falls back to a HEAD per file", async () => {
    const transport = bucket({ "up/a": Buffer.from("a") }, { denyList: true });
    const jobs = await localFiles({ "up/a": "a", "up/b": "b" });
    const deps = { presigner, transport, clock };
    const split = await partitionUnchanged(deps, "b", jobs);
    expect(split.unchanged.map((j) => j.key)).toEqual(["up/a"]);
    expect(transport.requests.map((r) => r.method)).toEqual(["GET", "HEAD", "HEAD"]);
  });

  it("sizes the caller listed already are used as they are: no listing of its own", async () => {
    const transport = bucket({ "up/a": Buffer.from("a") });
    const jobs = await localFiles({ "up/a": "a", "up/b": "b" });
    const split = await partitionUnchanged({ presigner, transport, clock }, "b", jobs, {
      listed: new Map([["up/a", 1]]),
    });
    expect(split.unchanged.map((j) => j.key)).toEqual(["up/a"]);
    expect(transport.requests.map((r) => r.method)).toEqual(["HEAD"]);
  });

  it("stops listing a folder far larger than the batch, and skips the listing for one file", async () => {
    const transport = bucket({ "up/a": Buffer.from("a") }, { endless: true, pageSize: 1 });
    const deps = { presigner, transport, clock };
    expect(await listedSizes(deps, "b", ["up/a", "up/b"])).toBeUndefined();
    // 2 files: 1 + 2 pages at the most.
    expect(transport.requests).toHaveLength(3);
    expect(await listedSizes(deps, "b", ["up/a"])).toBeUndefined();
    expect(transport.requests).toHaveLength(3);
  });

  it("the common folder of the keys", () => {
    expect(commonFolder(["a/b/c.txt", "a/b/d/e.txt"])).toBe("a/b/");
    expect(commonFolder(["a/bc/x", "a/bd/y"])).toBe("a/");
    expect(commonFolder(["a/x", "b/y"])).toBe("");
    expect(commonFolder(["p/one"])).toBe("p/");
  });
});
