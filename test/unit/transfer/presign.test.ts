import { describe, expect, it } from "vitest";
import type { StrongboxConfig } from "../../../src/core/config.js";
import {
  clampExpiry,
  createPresigner,
  SIGV4_MAX_EXPIRY_SECONDS,
} from "../../../src/core/presign.js";

const config: StrongboxConfig = {
  version: 1,
  region: "us-east-1",
  bucket: "strongbox-test",
  kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/k",
  roles: {
    uploader: "arn:aws:iam::1:role/u",
    viewer: "arn:aws:iam::1:role/v",
    admin: "arn:aws:iam::1:role/a",
  },
  adminMfaRequired: true,
  maxSessionSeconds: 3600,
  endpoint: "http://127.0.0.1:9000",
  forcePathStyle: true,
};
const t0 = Date.UTC(2026, 0, 2, 3, 4, 5);
const credentials = (expiresInMs?: number) => ({
  accessKeyId: "AKIDEXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
  sessionToken: "session-token",
  ...(expiresInMs === undefined ? {} : { expiration: new Date(t0 + expiresInMs) }),
});

describe("presigner", () => {
  it("signs x-amz-checksum-sha256 as a header (not a query parameter) and returns it to send", async () => {
    const presigner = createPresigner({
      config,
      credentials: credentials(3_600_000),
      now: () => t0,
    });
    const signed = await presigner.sign({
      method: "PUT",
      key: "dir/file name.bin",
      query: { partNumber: "3", uploadId: "up-1" },
      headers: {
        "x-amz-checksum-sha256": "n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=",
        "Content-Length": "1",
      },
      expiresInSeconds: 900,
    });
    const url = new URL(signed.url);
    expect(url.pathname).toBe("/strongbox-test/dir/file%20name.bin");
    expect(url.searchParams.get("X-Amz-SignedHeaders")).toBe(
      "content-length;host;x-amz-checksum-sha256",
    );
    expect(url.searchParams.has("x-amz-checksum-sha256")).toBe(false);
    expect(url.searchParams.get("partNumber")).toBe("3");
    expect(url.searchParams.get("uploadId")).toBe("up-1");
    expect(url.searchParams.get("X-Amz-Date")).toBe("20260102T030405Z");
    expect(url.searchParams.get("X-Amz-Security-Token")).toBe("session-token");
    // WHEN_REQUIRED: no SDK-default CRC32 of an empty body baked in.
    expect(signed.url).not.toMatch(/crc32|x-amz-sdk-checksum/i);
    expect(signed.headers).toEqual({
      "content-length": "1",
      "x-amz-checksum-sha256": "n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=",
    });
  });

  it("signs sub-resources such as ?uploads with exactly the caller's method", async () => {
    const presigner = createPresigner({
      config,
      credentials: credentials(3_600_000),
      now: () => t0,
    });
    const signed = await presigner.sign({
      method: "POST",
      key: "k",
      query: { uploads: "" },
      headers: { "x-amz-checksum-algorithm": "SHA256" },
      expiresInSeconds: 60,
    });
    const url = new URL(signed.url);
    expect(url.searchParams.has("uploads")).toBe(true);
    expect(url.searchParams.has("x-id")).toBe(false);
    expect(url.searchParams.get("X-Amz-SignedHeaders")).toBe("host;x-amz-checksum-algorithm");
    expect(signed.headers).toEqual({ "x-amz-checksum-algorithm": "SHA256" });
  });

  it("clamps the expiry to the credentials' expiration", async () => {
    const presigner = createPresigner({ config, credentials: credentials(600_000), now: () => t0 });
    const signed = await presigner.sign({ method: "GET", key: "k", expiresInSeconds: 3600 });
    expect(new URL(signed.url).searchParams.get("X-Amz-Expires")).toBe("600");
    expect(signed.expiresAt.toISOString()).toBe(new Date(t0 + 600_000).toISOString());
  });

  it("clamps the expiry to SigV4's 7 days for static credentials", async () => {
    const presigner = createPresigner({ config, credentials: credentials(), now: () => t0 });
    const signed = await presigner.sign({
      method: "GET",
      key: "k",
      expiresInSeconds: 30 * 24 * 3600,
    });
    expect(new URL(signed.url).searchParams.get("X-Amz-Expires")).toBe(
      String(SIGV4_MAX_EXPIRY_SECONDS),
    );
  });

  it("refuses to sign with expired credentials", async () => {
    const presigner = createPresigner({ config, credentials: credentials(-1000), now: () => t0 });
    await expect(presigner.sign({ method: "GET", key: "k", expiresInSeconds: 60 })).rejects.toThrow(
      /expired/,
    );
  });

  it("uses virtual-hosted style without an endpoint override", async () => {
    const { endpoint: _e, ...aws } = config;
    const presigner = createPresigner({
      config: { ...aws, forcePathStyle: false },
      credentials: credentials(600_000),
      now: () => t0,
    });
    const signed = await presigner.sign({ method: "GET", key: "a/b", expiresInSeconds: 60 });
    expect(new URL(signed.url).host).toBe("strongbox-test.s3.us-east-1.amazonaws.com");
  });

  it("reports clamping", () => {
    expect(clampExpiry(3600, t0, new Date(t0 + 60_000))).toEqual({ seconds: 60, clamped: true });
    expect(clampExpiry(60, t0, new Date(t0 + 3_600_000))).toEqual({ seconds: 60, clamped: false });
  });
});
