import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { createPresigner } from "../../src/core/presign.js";
import { createCrc } from "../../src/core/transfer/crc.js";
import { downloadObject } from "../../src/core/transfer/download.js";
import { createHttpTransport } from "../../src/core/transfer/transport.js";
import { uploadFile } from "../../src/core/transfer/upload.js";
import { MiB, PART, record, sha256, useFaultBench } from "./support/fault-harness.js";

/*
 * The fault table: real faults on the wire (toxiproxy, or a small S3 shim for
 * S3's own error answers) between the transfer engine and a real S3 (MinIO).
 * Each row moves a multipart-sized file (3 parts of 5 MiB) up or down. The
 * outcome is either the same bytes, or a clear stop after the retry budget
 * that a later run (--resume) completes; never a partial object under the
 * final key, never a half file under the final download name.
 *
 * This file: other clients of the bucket (an object another tool wrote, several
 * clients racing for one key).
 */

const bench = useFaultBench();

describe("downloads verify with the checksum an object carries (written by another tool)", () => {
  test.each(["crc64nvme", "crc32c", "crc32"] as const)(
    "an object PUT with only x-amz-checksum-%s (MinIO checks it against the bytes) downloads verified by it",
    async (algorithm) => {
      const key = `faults/other-tool-${algorithm}.bin`;
      const data = randomBytes(3 * MiB + 5);
      const crc = createCrc(algorithm);
      crc.update(data);
      const presigner = createPresigner({
        config: bench.lane.config(),
        credentials: bench.sessions.admin,
      });
      const signed = await presigner.sign({
        method: "PUT",
        key,
        headers: {
          "content-length": String(data.length),
          [`x-amz-checksum-${algorithm}`]: crc.digest().toString("base64"),
        },
        expiresInSeconds: 300,
      });
      const transport = createHttpTransport();
      try {
        const put = await transport.send({
          method: "PUT",
          url: signed.url,
          headers: signed.headers,
          body: data,
        });
        expect(put.status, await put.text()).toBe(200);
      } finally {
        await transport.close();
      }
      const out = bench.outPath(`other-tool-${algorithm}`);
      const t = bench.depsFor({ endpoint: bench.lane.endpoint, role: "viewer" });
      try {
        const result = await downloadObject(t.deps, {
          bucket: bench.lane.bucket,
          key,
          out,
          requireChecksum: true,
        });
        expect(result.verified).toBe(algorithm);
        expect(sha256(await readFile(out))).toBe(sha256(data));
      } finally {
        await t.finish();
      }
    },
  );
});

describe("concurrency: several clients, one key", () => {
  test("three Uploaders race to create one key (create-only): exactly one wins, the others are told it exists", async () => {
    const key = "faults/race.bin";
    const files = [0, 1, 2].map((i) => {
      const path = join(bench.work, `race-${i}.bin`);
      const data = randomBytes(PART + 1024 * (i + 1));
      writeFileSync(path, data);
      return { path, sha: sha256(data) };
    });
    const started = Date.now();
    const outcomes = await Promise.allSettled(
      files.map(async (f) => {
        const t = bench.depsFor({ endpoint: bench.lane.endpoint, role: "uploader" });
        try {
          return await uploadFile(t.deps, {
            bucket: bench.lane.bucket,
            path: f.path,
            key,
            partSize: PART,
            threshold: PART,
            concurrency: 2,
            createOnly: true,
          });
        } finally {
          await t.finish();
        }
      }),
    );
    const winners = outcomes.flatMap((o, i) => (o.status === "fulfilled" ? [i] : []));
    expect(winners).toHaveLength(1);
    for (const o of outcomes)
      if (o.status === "rejected") expect((o.reason as Error).message).toMatch(/already exists/);
    expect(await bench.storedSha(key)).toBe(files[winners[0] as number]?.sha);
    record("3 Uploaders, one key (create-only)", "upload", {
      winners: winners.length,
      refused: outcomes.length - winners.length,
      seconds: (Date.now() - started) / 1000,
    });
  });
});
