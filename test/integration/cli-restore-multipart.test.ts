import { createHash, randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { restoreVersion } from "../../src/core/catalog/restore.js";
import { createS3Client } from "../../src/core/clients.js";
import { loadConfig } from "../../src/core/config.js";
import { cliSandbox, curl } from "./cli-helpers.js";

const MiB = 1024 * 1024;
const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");

/**
 * Restore of a version too large for one CopyObject (> 5 GiB in S3) goes part
 * by part. The threshold is lowered here so a 12 MiB object takes that path.
 */
describe("restore by multipart copy (local stack)", () => {
  it("copies a 12 MiB version back in 5 MiB parts; the bytes match", async () => {
    const sb = await cliSandbox();
    for (const role of ["uploader", "admin"]) {
      const r = await sb.run(["login", "--role", role, "--profile", `local-${role}`]);
      expect(r.code, r.stderr).toBe(0);
    }
    const key = `cli-it-multipart-${Date.now()}.bin`;
    const first = randomBytes(12 * MiB);
    // The Uploader creates the key, the Admin replaces it (the Uploader only creates).
    const put = async (body: Buffer, role: "uploader" | "admin") => {
      const file = join(sb.dir, "body.bin");
      await writeFile(file, body);
      const p = (await sb.run(["presign", "put", key, "--role", role, "--json"])).json();
      const headers = Object.entries(p.headers as Record<string, string>).flatMap(([h, v]) => [
        "-H",
        `${h}: ${v}`,
      ]);
      const c = await curl(["-f", "--upload-file", file, ...headers, p.url]);
      expect(c.code, c.stderr).toBe(0);
    };
    await put(first, "uploader");
    await put(Buffer.from("second version"), "admin");
    const versions = (await sb.run(["versions", key, "--role", "admin", "--json"])).json().versions;
    const oldest = versions.at(-1).versionId as string;

    const config = await loadConfig(sb.configPath);
    const session = JSON.parse(await readFile(join(sb.sessionsDir, "admin.json"), "utf8"));
    const s3 = createS3Client(config, session.credentials);
    const result = await restoreVersion({ s3, bucket: config.bucket, role: "admin" }, key, oldest, {
      singleCopyLimit: 5 * MiB,
      partSize: 5 * MiB,
    });
    expect(result).toMatchObject({
      method: "multipart-copy",
      size: 12 * MiB,
      restoredVersionId: oldest,
    });

    const url = (await sb.run(["presign", "get", key, "--role", "admin"])).stdout.trim();
    const out = join(sb.dir, "out.bin");
    const c = await curl(["-f", "-o", out, url]);
    expect(c.code, c.stderr).toBe(0);
    expect(sha256(await readFile(out))).toBe(sha256(first));
    const after = (await sb.run(["versions", key, "--role", "admin", "--json"])).json().versions;
    expect(after[0]).toMatchObject({
      isLatest: true,
      versionId: result.newVersionId,
      size: 12 * MiB,
    });
  });
});
