import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { isAbsolute, join, relative } from "node:path";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { parseConfig } from "../../../src/core/config.js";
import { configFromTerraformOutputs } from "../../../src/core/config-terraform.js";
import { StrongboxError } from "../../../src/core/errors.js";
import {
  encodeXml,
  parseListObjects,
  parseListParts,
  parseS3Error,
  S3XmlError,
  xmlText,
} from "../../../src/core/transfer/s3-xml.js";
import { resolveKeyPath } from "../../../src/core/transfer/safe-path.js";
import {
  createFileStateStore,
  type ResumeIdentity,
  recordId,
} from "../../../src/core/transfer/state-store.js";

/*
 * Property tests of the parsers that take outside input. A fixed seed and a
 * fixed number of runs: the same cases on every run, in bounded time; a
 * failure prints its counterexample and the seed to replay it.
 */
const SEED = 20261130;
const runs = (numRuns: number) => ({ seed: SEED, numRuns });

/** Either a result, or one of the errors the parser promises; never a TypeError or RangeError. */
function onlyClearErrors(
  work: () => unknown,
  ...allowed: Array<abstract new (...a: never[]) => Error>
) {
  try {
    work();
  } catch (error) {
    if (!allowed.some((kind) => error instanceof kind)) throw error;
  }
}

/** Values shaped like JSON config / outputs, with the right names now and then. */
const jsonish = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double(),
    fc.string(),
    fc.constantFrom("arn:aws:iam::1:role/x", "us-east-1", "https://x.example", "bucket-name"),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(
      fc.oneof(
        fc.string(),
        fc.constantFrom(
          "version",
          "region",
          "bucket",
          "roles",
          "value",
          "role_arns",
          "__proto__",
          "constructor",
        ),
      ),
      tie("value"),
      { maxKeys: 6 },
    ),
  ),
})).value;

describe("property: config and Terraform outputs", () => {
  test("any JSON is a config or a usage error listing what is wrong", () => {
    fc.assert(
      fc.property(jsonish, (value) => {
        onlyClearErrors(() => parseConfig(value, "fuzz.json"), StrongboxError);
      }),
      runs(400),
    );
  });

  test("any JSON is `tofu output -json` of a stack or a usage error", () => {
    fc.assert(
      fc.property(jsonish, (value) => {
        onlyClearErrors(() => configFromTerraformOutputs(value, "outputs.json"), StrongboxError);
      }),
      runs(400),
    );
  });
});

describe("property: key → local path", () => {
  const segment = fc.oneof(
    fc.string({ unit: "grapheme", maxLength: 12 }),
    fc.string({ unit: "binary", maxLength: 8 }),
    fc.constantFrom(
      "..",
      ".",
      "",
      "~",
      "C:",
      "\\..",
      "con",
      "a\u0000b",
      "\u202e",
      "ａ",
      "．．",
      "／",
    ),
  );
  const key = fc.array(segment, { minLength: 1, maxLength: 6 }).map((s) => s.join("/"));

  test.each(["linux", "win32"] as const)(
    "on %s a key is refused or lands inside the target folder",
    (platform) => {
      // The platform adds refusals (reserved names, colons); paths are this host's.
      const root = "/target";
      fc.assert(
        fc.property(fc.oneof(key, fc.string({ unit: "binary" })), (k) => {
          const result = resolveKeyPath(root, k, { platform });
          if (!result.ok) {
            expect(result.reason.length).toBeGreaterThan(0);
            return;
          }
          const rel = relative(root, result.path);
          expect(rel === "" || rel.startsWith("..") || isAbsolute(rel)).toBe(false);
          expect(rel.split("/")).not.toContain("..");
          if (platform === "win32") expect(rel).not.toMatch(/[:\\]/);
        }),
        runs(1500),
      );
    },
  );
});

describe("property: the S3 XML reader", () => {
  const xmlish = fc
    .array(
      fc.oneof(
        fc.constantFrom(
          "<Part>",
          "</Part>",
          "<PartNumber>",
          "</PartNumber>",
          "<Code>",
          "</Code>",
          "<Code/>",
          "<Size>",
          "</Size>",
          "<ETag>",
          "</ETag>",
          "<ListPartsResult>",
          "</ListPartsResult>",
          "<Contents>",
          "</Contents>",
          "<Key>",
          "</Key>",
          "&amp;",
          "&#x41;",
          "&#99999999;",
          "<",
          ">",
          "<Code ",
        ),
        fc.string({ maxLength: 6 }),
      ),
      { maxLength: 40 },
    )
    .map((parts) => parts.join(""));

  test("any input is read or refused as malformed; an error body never throws", () => {
    fc.assert(
      fc.property(fc.oneof(xmlish, fc.string()), (xml) => {
        onlyClearErrors(() => parseListParts(xml), S3XmlError);
        onlyClearErrors(() => xmlText(xml, "Code"), S3XmlError);
        onlyClearErrors(() => parseListObjects(xml), S3XmlError);
        const error = parseS3Error(xml);
        expect(typeof error).toBe("object");
      }),
      runs(2000),
    );
  });

  test("encode then read back is the identity for any well-formed text", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), (text) => {
        expect(xmlText(`<Message>${encodeXml(text)}</Message>`, "Message")).toBe(text);
      }),
      runs(1000),
    );
  });

  test("a ListParts page built from any parts reads back as those parts", () => {
    const part = fc.record({
      number: fc.integer({ min: 1, max: 10_000 }),
      size: fc.integer({ min: 0, max: 5 * 1024 ** 3 }),
      etag: fc.string({ minLength: 1, maxLength: 40 }),
    });
    fc.assert(
      fc.property(fc.array(part, { maxLength: 30 }), fc.boolean(), (parts, truncated) => {
        const xml = `<?xml version="1.0"?><ListPartsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${parts
          .map(
            (p) =>
              `<Part><PartNumber>${p.number}</PartNumber><ETag>${encodeXml(p.etag)}</ETag><Size>${p.size}</Size></Part>`,
          )
          .join("")}<IsTruncated>${truncated}</IsTruncated></ListPartsResult>`;
        const page = parseListParts(xml);
        expect(page.parts).toEqual(parts);
        expect(page.truncated).toBe(truncated);
      }),
      runs(500),
    );
  });
});

describe("property: resume state", () => {
  test("any record file is a usable record for this upload or ignored (start over); never a crash later", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sb-fuzz-state-"));
    const store = createFileStateStore(dir);
    const identity: ResumeIdentity = {
      path: "/data/file.bin",
      size: 12,
      mtimeMs: 5,
      bucket: "b",
      key: "k",
    };
    const file = join(dir, `upload-${recordId(identity)}.json`);
    const recordish = fc.record(
      {
        version: fc.oneof(fc.constant(1), jsonish),
        path: fc.constantFrom(identity.path, "/other"),
        size: fc.constantFrom(12, "12"),
        mtimeMs: fc.constant(5),
        bucket: fc.constant("b"),
        key: fc.constant("k"),
        uploadId: fc.oneof(fc.string(), jsonish),
        partSize: fc.oneof(fc.integer(), jsonish),
        parts: fc.oneof(
          fc.array(
            fc.record({
              number: fc.oneof(fc.integer(), jsonish),
              size: fc.oneof(fc.nat(), jsonish),
              etag: fc.oneof(fc.string(), jsonish),
              checksumSha256: fc.oneof(fc.string(), jsonish),
            }),
            { maxLength: 4 },
          ),
          jsonish,
        ),
        createdAt: fc.string(),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          recordish.map((r) => JSON.stringify(r)),
          fc.string(),
        ),
        async (text) => {
          await writeFile(file, text);
          const record = await store.load(identity);
          if (record === undefined) return;
          expect(record.uploadId).toEqual(expect.any(String));
          expect(Number.isSafeInteger(record.partSize) && record.partSize > 0).toBe(true);
          expect(Array.isArray(record.parts)).toBe(true);
          for (const p of record.parts) {
            expect(Number.isInteger(p.number) && p.number >= 1).toBe(true);
            expect(Number.isSafeInteger(p.size) && p.size >= 0).toBe(true);
            expect(typeof p.etag).toBe("string");
            expect(typeof p.checksumSha256).toBe("string");
          }
        },
      ),
      runs(400),
    );
  });
});
