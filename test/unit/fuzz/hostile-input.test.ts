import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readdir, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { downloadObject } from "../../../src/core/transfer/download.js";
import { validateKey } from "../../../src/core/transfer/keys.js";
import { MiB, planParts, TiB } from "../../../src/core/transfer/part-plan.js";
import {
  parseListObjects,
  parseListParts,
  parseS3Error,
  xmlText,
} from "../../../src/core/transfer/s3-xml.js";
import {
  createHttpTransport,
  type HttpResponse,
  type Transport,
} from "../../../src/core/transfer/transport.js";
import { clock, objectTransport, presigner, sha256 } from "../core/transfer/download-fixtures.js";

/*
 * The hostile-input table: keys and names, server answers, huge bodies,
 * malformed XML, wrong ETags and checksums, truncated bodies. Each row is a
 * case, its expected outcome, and how it is observed; one test runs each row.
 * Outcomes read "refused: <why>" (a clear error, nothing written) or what was
 * done. Every download row also checks that nothing was written outside the
 * target folder, and that no refusal left a file behind.
 */

interface Row {
  area: "key → file" | "key (upload)" | "server answer" | "body size" | "integrity" | "plan";
  case: string;
  expected: RegExp;
  observe: () => Promise<string>;
}

const data = Buffer.alloc(3 * MiB + 17);
for (let i = 0; i < data.length; i += 512) data[i] = (i / 512) % 251;
const md5Hex = createHash("md5").update(data).digest("hex");

let jail: string;
let bigServer: Server;
let bigUrl: string;

/** Runs `act`; its error's message prefixed "refused: ", or the result `describe` gives. */
async function outcome<T>(act: () => Promise<T> | T, describe: (v: T) => string): Promise<string> {
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
async function downloadKeys(keys: string[], transport = () => objectTransport(data)) {
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
function integrityRow(
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

const sse = { "x-amz-server-side-encryption": "AES256" };
const part = (n: number | string, size: number | string = 5) =>
  `<Part><PartNumber>${n}</PartNumber><ETag>"e${n}"</ETag><Size>${size}</Size></Part>`;
/** Five segments of 204 bytes and four slashes: 1,024 bytes, each segment under the 255 a file system allows. */
const key1024 = Array.from({ length: 5 }, (_, i) => String(i).repeat(204)).join("/");

const ROWS: Row[] = [
  // Keys S3 may hold that must never become a path outside the target folder.
  ...(
    [
      ["traversal ../", "../escape.txt", /"\.\." path segment/],
      ["traversal a/../../", "a/../../escape.txt", /"\.\." path segment/],
      ["absolute path", "/etc/strongbox-escape", /absolute path/],
      ["Windows drive letter", "C:/escape.txt", /drive letter/],
      ["backslash traversal", "..\\escape.txt", /backslash/],
      ["NUL byte", "a\u0000b.txt", /NUL byte/],
      ["terminal escape (control character)", "a\u001b]0;pwned\u0007.txt", /control character/],
      ["fullwidth dots (NFKC ..)", "\uff0e\uff0e/escape.txt", /look-alike|normalisation/],
      ["slash look-alike", "a\u2215escape.txt", /look-alike of a slash/],
      ["right-to-left override", "invoice\u202efdp.exe", /bidirectional/],
      ["segment over 255 bytes", "x".repeat(256), /longer than 255 bytes/],
      ["empty segment", "a//b.txt", /empty path segment/],
    ] as const
  ).map(
    ([name, key, reason]): Row => ({
      area: "key → file",
      case: name,
      expected: new RegExp(`^refused: Refusing to write key .*${reason.source}.* \\| files: none$`),
      observe: () => downloadKeys([key]),
    }),
  ),
  {
    area: "key → file",
    case: "1,024-byte key (five segments)",
    expected: /^verified md5 \| files: 0{204}\/1{204}\/2{204}\/3{204}\/4{204}$/,
    observe: () => downloadKeys([key1024], () => objectTransport(data, { head: plainEtag() })),
  },
  {
    area: "key → file",
    case: "Unicode normalization pair (NFC é, NFD e + U+0301)",
    expected:
      /^verified md5; verified md5 \| files: (caf\u00e9\.txt, cafe\u0301\.txt|cafe\u0301\.txt, caf\u00e9\.txt)$/,
    observe: () =>
      downloadKeys(["caf\u00e9.txt", "cafe\u0301.txt"], () =>
        objectTransport(data, { head: plainEtag() }),
      ),
  },
  {
    area: "key → file",
    case: "names that differ only by case",
    expected: /^verified md5; verified md5 \| files: Report\.txt, report\.txt$/,
    observe: () =>
      downloadKeys(["Report.txt", "report.txt"], () =>
        objectTransport(data, { head: plainEtag() }),
      ),
  },
  // Keys the CLI would send to S3.
  ...(
    [
      ["1,025-byte key", "k".repeat(1025), /^refused: .*1025 bytes.*at most 1024/],
      ["1,024-byte key", "k".repeat(1024), /^ok$/],
      ["empty key", "", /^refused: .*cannot be empty/],
      ["control character", "a\nb", /^refused: .*control characters/],
      ["dot segment", "a/./b", /^refused: .*"\." or "\.\." path segments/],
      ["lone surrogate", "a\ud800b", /^refused: .*lone surrogate/],
    ] as const
  ).map(
    ([name, key, expected]): Row => ({
      area: "key (upload)",
      case: name,
      expected,
      observe: () =>
        outcome(
          () => validateKey(key),
          () => "ok",
        ),
    }),
  ),
  // What a hostile or broken server may answer.
  {
    area: "server answer",
    case: "ListParts cut off mid-element",
    expected: /^refused: S3's answer is malformed/,
    observe: () => outcome(() => parseListParts(`<ListPartsResult>${part(1)}<Part><Par`), String),
  },
  {
    area: "server answer",
    case: "ListParts with a part number that is not a number",
    expected: /^refused: S3's answer is malformed/,
    observe: () =>
      outcome(() => parseListParts(`<ListPartsResult>${part("one")}</ListPartsResult>`), String),
  },
  {
    area: "server answer",
    case: "ListObjectsV2 entry without a Key",
    expected: /^refused: S3's answer is malformed/,
    observe: () =>
      outcome(
        () =>
          parseListObjects(
            "<ListBucketResult><Contents><Size>3</Size></Contents></ListBucketResult>",
          ),
        String,
      ),
  },
  {
    area: "server answer",
    case: "2 MiB of unclosed tags (a parser's quadratic trap)",
    expected: /^refused: S3's answer is malformed/,
    observe: () => outcome(() => xmlText("<Code>".repeat(350_000), "Code"), String),
  },
  {
    area: "server answer",
    case: "an error body that is HTML, not XML",
    expected: /^no code: the HTTP status speaks$/,
    observe: () =>
      outcome(
        () => parseS3Error("<html><body><h1>502 Bad Gateway</h1></body></html>"),
        (e) => (e.code === undefined ? "no code: the HTTP status speaks" : `code ${e.code}`),
      ),
  },
  {
    area: "server answer",
    case: "an error code carrying a terminal escape",
    expected: /^no code: the HTTP status speaks$/,
    observe: () =>
      outcome(
        () => parseS3Error("<Error><Code>Slow\u001b[2JDown</Code></Error>"),
        (e) => (e.code === undefined ? "no code: the HTTP status speaks" : `code ${e.code}`),
      ),
  },
  // Bodies too large to be an S3 answer.
  {
    area: "body size",
    case: "an endless error body",
    expected: /^refused: The server's answer is larger than 4 MiB/,
    observe: () => readBig("/endless"),
  },
  {
    area: "body size",
    case: "a 6 MiB error body with its Content-Length",
    expected: /^refused: The server's answer is larger than 4 MiB/,
    observe: () => readBig("/six-mib"),
  },
  // Bytes that don't match what S3 says it holds: never "verified", no file.
  {
    area: "integrity",
    case: "a wrong MD5 ETag",
    expected: /^refused: .*do not match S3's ETag \(MD5\).* \| files: none$/,
    observe: integrityRow({ ...sse, etag: '"ffffffffffffffffffffffffffffffff"' }),
  },
  {
    area: "integrity",
    case: "a flipped byte under a stored SHA-256",
    expected: /^refused: .*(match|checksum).* \| files: none$/i,
    observe: integrityRow({ "x-amz-checksum-sha256": sha256(data) }, { corrupt: true }),
  },
  {
    area: "integrity",
    case: "a body cut short (half of what was asked for)",
    // Nothing under the final name; the partial stays for the next run to resume.
    expected: /^refused: .*cut short.* \| files: k\.bin\.strongbox-partial$/,
    observe: integrityRow({ "x-amz-checksum-sha256": sha256(data) }, { truncate: true }),
  },
  {
    area: "integrity",
    case: "no checksum at all, with --require-checksum",
    expected: /^refused: .*no checksum.*--require-checksum.* \| files: none$/,
    observe: integrityRow({}, { requireChecksum: true }),
  },
  {
    area: "integrity",
    case: "no checksum at all, without --require-checksum",
    expected: /^verified none \| files: k\.bin$/,
    observe: integrityRow({}),
  },
  // Sizes no S3 object can have.
  {
    area: "plan",
    case: "a 5 TiB file with 5 MiB parts (a million parts wished)",
    expected: /^10000 parts or fewer: \d+ parts of \d+ MiB$/,
    observe: () =>
      outcome(
        () => planParts(5 * TiB, { partSize: 5 * MiB }),
        (p) =>
          p.kind === "multipart" && p.parts.length <= 10_000
            ? `10000 parts or fewer: ${p.parts.length} parts of ${p.partSize / MiB} MiB`
            : `${p.kind}`,
      ),
  },
  {
    area: "plan",
    case: "a file larger than 5 TiB",
    expected: /^refused: .*at most 5 TiB/,
    observe: () =>
      outcome(
        () => planParts(5 * TiB + 1),
        (p) => p.kind,
      ),
  },
];

/** A plain (non-KMS) object whose ETag is the MD5 of `data`: the downloads verify by it. */
function plainEtag() {
  return { ...sse, etag: `"${md5Hex}"` };
}

async function readBig(path: string): Promise<string> {
  const transport = createHttpTransport();
  try {
    const res = await transport.send({ method: "GET", url: `${bigUrl}${path}`, headers: {} });
    return await outcome(
      () => res.text(),
      (t) => `read ${t.length} characters`,
    );
  } finally {
    await transport.close();
  }
}

beforeAll(async () => {
  jail = await mkdtemp(join(tmpdir(), "strongbox-hostile-"));
  await mkdir(jail, { recursive: true });
  bigServer = createServer((req, res) => {
    const chunk = Buffer.alloc(64 * 1024, "<Error>");
    if (req.url === "/six-mib") {
      res.writeHead(500, { "content-length": String(6 * MiB) });
      for (let i = 0; i < 96; i++) res.write(chunk);
      res.end();
      return;
    }
    res.writeHead(500);
    const pump = () => {
      while (!res.destroyed && res.write(chunk)) {}
      if (!res.destroyed) res.once("drain", pump);
    };
    res.on("close", () => res.destroy());
    pump();
  });
  await new Promise<void>((done) => bigServer.listen(0, "127.0.0.1", done));
  const address = bigServer.address();
  bigUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
});

afterAll(async () => {
  bigServer?.closeAllConnections();
  await new Promise((done) => bigServer?.close(done));
  if (jail) await rm(jail, { recursive: true, force: true });
});

describe("hostile input: one table, each row a case and its expected outcome", () => {
  test.each(ROWS.map((row) => [`${row.area} | ${row.case}`, row] as const))(
    "%s",
    async (_name, row) => {
      expect(await row.observe()).toMatch(row.expected);
    },
  );
});
