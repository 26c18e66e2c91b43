import { describe, expect, test } from "vitest";
import { createCrc } from "../../../../src/core/transfer/crc.js";

describe("the CRCs S3 stores as checksums", () => {
  // The catalogue check values ("123456789"), as S3 encodes them: big-endian bytes.
  test.each([
    ["crc32", "cbf43926"],
    ["crc32c", "e3069283"],
    ["crc64nvme", "ae8b14860a799888"],
  ] as const)("%s of '123456789' is %s, fed whole or byte by byte", (algorithm, hex) => {
    const whole = createCrc(algorithm);
    whole.update(Buffer.from("123456789"));
    expect(whole.digest().toString("hex")).toBe(hex);
    const split = createCrc(algorithm);
    for (const byte of Buffer.from("123456789")) split.update(Buffer.from([byte]));
    expect(split.digest().toString("hex")).toBe(hex);
  });

  test("the empty input", () => {
    expect(createCrc("crc32").digest().toString("hex")).toBe("00000000");
    expect(createCrc("crc64nvme").digest().toString("hex")).toBe("0000000000000000");
  });
});
