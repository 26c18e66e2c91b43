import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { downloadObject } from "../../../src/core/transfer/download.js";
import { MiB } from "../../../src/core/transfer/part-plan.js";
import type { HttpResponse, Transport } from "../../../src/core/transfer/transport.js";
import { clock, objectTransport, presigner } from "../core/transfer/download-fixtures.js";

/*
 * The hostile-input table: keys and names, server answers, huge bodies,
 * malformed XML, wrong ETags and checksums, truncated bodies. Each row is a
 * case, its expected outcome, and how it is observed; one test runs each row.
 * Outcomes read "refused: <why>" (a clear error, nothing written) or what was
 * done. Every download row also checks that nothing was written outside the
 * target folder, and that no refusal left a file behind.
 *
 * The table is split by area over hostile-input-*.test.ts; this module holds
 * what the rows share: the object, the jail folder, the observers and the runner.
 */

export interface Row {
  area: "key → file" | "key (upload)" | "server answer" | "body size" | "integrity" | "plan";
  case: string;
  expected: RegExp;
  observe: () => Promise<string>;
}

export const data = Buffer.alloc(3 * MiB + 17);
for (let i = 0; i < data.length; i += 512) data[i] = (i / 512) % 251;
const md5Hex = createHash("md5").update(data).digest("hex");

let jail: string;

/** Runs `act`; its error's message prefixed "refused: ", or the result `describe` gives. */
export async function outcome<T>(
  act: () => Promise<T> | T,
  describe: (v: T) => string,
): Promise<string> {
  try {
    return describe(await act());
  } catch (error) {
    return `refused: ${(error as Error).message}`;
  }
}

/** Every file under `dir`, relative to it. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

/**
 * Downloads `keys` (one object's bytes each) into a fresh folder inside the
 * jail; the outcome names what is in that folder, and fails the row if
 * anything appeared in the jail outside it.
 */
export async function downloadKeys(keys: string[], transport = () => objectTransport(data)) {
  const target = await mkdtemp(join(jail, "target-"));
  const results: string[] = [];
  for (const key of keys) {
    results.push(
      await outcome(
        () =>
          downloadObject(
            { presigner, transport: transport(), clock },
            { bucket: "b", key, out: `${target}${sep}` },
          ),
        (r) => `verified ${r.verified}`,
      ),
    );
  }
  const outside = (await filesUnder(jail)).filter((f) => !f.startsWith(relative(jail, target)));
  const inside = await filesUnder(target);
  await rm(target, { recursive: true, force: true });
  if (outside.length > 0) return `WROTE OUTSIDE THE TARGET: ${outside.join(", ")}`;
  return `${results.join("; ")} | files: ${inside.length === 0 ? "none" : inside.join(", ")}`;
}

/** An object served with `head` headers, or with its GET bodies cut in half. */
export function integrityRow(
  head: Record<string, string>,
  opts: { corrupt?: boolean; truncate?: boolean; requireChecksum?: boolean } = {},
) {
  return async () => {
    const target = await mkdtemp(join(jail, "target-"));
    const inner = objectTransport(data, { head, ...(opts.corrupt ? { corrupt: true } : {}) });
    const transport: Transport = opts.truncate
      ? {
          async send(req) {
            const res = await inner.send(req);
            if (req.method !== "GET") return res;
            const chunks: Buffer[] = [];
            for await (const c of res.body) chunks.push(c as Buffer);
            const whole = Buffer.concat(chunks);
            const cut: HttpResponse = {
              ...res,
              body: Readable.from([whole.subarray(0, whole.length >> 1)]),
            };
            return cut;
          },
          close: () => inner.close(),
        }
      : inner;
    const said = await outcome(
      () =>
        downloadObject(
          { presigner, transport, clock },
          {
            bucket: "b",
            key: "k.bin",
            out: join(target, "k.bin"),
            ...(opts.requireChecksum ? { requireChecksum: true } : {}),
          },
        ),
      (r) => `verified ${r.verified}`,
    );
    const files = await filesUnder(target);
    await rm(target, { recursive: true, force: true });
    return `${said} | files: ${files.length === 0 ? "none" : files.join(", ")}`;
  };
}

export const sse = { "x-amz-server-side-encryption": "AES256" };

/** A plain (non-KMS) object whose ETag is the MD5 of `data`: the downloads verify by it. */
export function plainEtag() {
  return { ...sse, etag: `"${md5Hex}"` };
}

/** Registers the jail's hooks and one test per row, under the table's name. */
export function hostileTable(rows: Row[]) {
  beforeAll(async () => {
    jail = await mkdtemp(join(tmpdir(), "strongbox-hostile-"));
    await mkdir(jail, { recursive: true });
  });

  afterAll(async () => {
    if (jail) await rm(jail, { recursive: true, force: true });
  });

  describe("hostile input: one table, each row a case and its expected outcome", () => {
    test.each(rows.map((row) => [`${row.area} | ${row.case}`, row] as const))(
      "%s",
      async (_name, row) => {
        expect(await row.observe()).toMatch(row.expected);
      },
    );
  });
}
