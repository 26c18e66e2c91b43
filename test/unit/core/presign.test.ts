import { HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
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

/**
 * The AWS SDK's own pre-signing (S3Client + getSignedUrl, as Strongbox signed
 * before issue 14): the oracle the fast signer must match byte for byte.
 */
async function sdkPresign(
  cfg: StrongboxConfig,
  creds: ReturnType<typeof credentials>,
  req: {
    method: string;
    key: string;
    query?: Record<string, string>;
    headers?: Record<string, string>;
    seconds: number;
  },
  date: Date,
): Promise<string> {
  const client = new S3Client({
    region: cfg.region,
    credentials: creds,
    ...(cfg.endpoint ? { endpoint: cfg.endpoint } : {}),
    forcePathStyle: cfg.forcePathStyle,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
  const command = new HeadObjectCommand({ Bucket: cfg.bucket, Key: req.key });
  const headers = Object.fromEntries(
    Object.entries(req.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
  );
  command.middlewareStack.add(
    (next) => async (args) => {
      const r = args.request as { method: string; query: object; headers: Record<string, string> };
      r.method = req.method;
      r.query = { ...(req.query ?? {}) };
      Object.assign(r.headers, headers);
      return next(args);
    },
    { step: "build", name: "shape", priority: "low" },
  );
  const names = new Set(Object.keys(headers));
  return getSignedUrl(client, command, {
    expiresIn: req.seconds,
    signingDate: date,
    unhoistableHeaders: names,
    signableHeaders: names,
  });
}

describe("presigner: the same URLs as the AWS SDK's getSignedUrl", () => {
  const { endpoint: _e, ...aws } = config;
  const configs: Array<[string, StrongboxConfig]> = [
    ["MinIO endpoint, path style", config],
    [
      "endpoint, virtual-hosted",
      { ...config, forcePathStyle: false, endpoint: "https://s3.example.test:9443" },
    ],
    ["AWS us-east-1", { ...aws, forcePathStyle: false }],
    ["AWS eu-west-1, path style forced", { ...aws, region: "eu-west-1", forcePathStyle: true }],
    ["AWS China", { ...aws, region: "cn-north-1", forcePathStyle: false }],
    ["dotted bucket over HTTPS", { ...aws, bucket: "my.dotted.bucket", forcePathStyle: false }],
  ];
  type Req = {
    method: string;
    key: string;
    seconds: number;
    query?: Record<string, string>;
    headers?: Record<string, string>;
  };
  const requests: Req[] = [
    { method: "GET", key: "plain.txt", seconds: 900 },
    {
      method: "PUT",
      key: "dir/sub dir/naïve ünïcode (1)!*'.bin",
      seconds: 60,
      query: { partNumber: "7", uploadId: "a/b+c=d~e" },
      headers: {
        "Content-Length": "16777216",
        "x-amz-checksum-sha256": "n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=",
      },
    },
    {
      method: "POST",
      key: "k",
      seconds: 300,
      query: { uploads: "" },
      headers: { "x-amz-checksum-algorithm": "SHA256" },
    },
    {
      method: "GET",
      key: "a/b",
      seconds: 120,
      query: { "list-type": "2", prefix: "a b/", "continuation-token": "x==" },
    },
    {
      method: "GET",
      key: "r",
      seconds: 120,
      headers: { range: "bytes=0-99", "if-match": '"abc-2"' },
    },
  ];
  for (const [name, cfg] of configs) {
    it(name, async () => {
      // A real session token has "+", "/" and "=", which the URL carries encoded.
      const creds = { ...credentials(3_600_000), sessionToken: "IQoJb3JpZ2lu+X2Vj/EJr//wEaDH==" };
      const presigner = createPresigner({ config: cfg, credentials: creds, now: () => t0 });
      for (const req of requests) {
        const ours = await presigner.sign({
          method: req.method as "GET",
          key: req.key,
          ...(req.query ? { query: req.query } : {}),
          ...(req.headers ? { headers: req.headers } : {}),
          expiresInSeconds: req.seconds,
        });
        const theirs = await sdkPresign(cfg, creds, req, new Date(t0));
        expect(ours.url).toBe(theirs);
      }
    });
  }
});
