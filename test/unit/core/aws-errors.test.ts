import { S3ServiceException } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import {
  ACTION_ROLES,
  type ErrorContext,
  mapAwsError,
  mapS3HttpError,
  redact,
} from "../../../src/core/aws-errors.js";
import { StrongboxError } from "../../../src/core/errors.js";

/** An SDK exception as the S3 client throws it (name = S3 code, http status in $metadata). */
const sdkError = (name: string, status: number, message = name) =>
  new S3ServiceException({
    name,
    $fault: status >= 500 ? "server" : "client",
    $metadata: { httpStatusCode: status },
    message,
  });

const ctx: ErrorContext = { action: "PutObject", role: "viewer", bucket: "b", key: "docs/a.txt" };

describe("mapAwsError: SDK errors → kind and exit code", () => {
  const table: [string, unknown, ErrorContext, StrongboxError["kind"], number, RegExp][] = [
    [
      "AccessDenied names role, action, and who can",
      sdkError("AccessDenied", 403),
      ctx,
      "access-denied",
      3,
      /role viewer may not PutObject on s3:\/\/b\/docs\/a\.txt; uploader or admin can/,
    ],
    [
      "403 without a code is access denied",
      sdkError("Forbidden", 403),
      { ...ctx, action: "GetObject", role: "uploader" },
      "access-denied",
      3,
      /viewer or admin can/,
    ],
    [
      "ExpiredToken → log in again",
      sdkError("ExpiredToken", 400),
      ctx,
      "credentials",
      5,
      /credentials were refused \(ExpiredToken\)/,
    ],
    ["InvalidToken → credentials", sdkError("InvalidToken", 400), ctx, "credentials", 5, /refused/],
    [
      "InvalidAccessKeyId → credentials",
      sdkError("InvalidAccessKeyId", 403),
      ctx,
      "credentials",
      5,
      /refused/,
    ],
    [
      "RequestTimeTooSkewed → fix the clock",
      sdkError("RequestTimeTooSkewed", 403),
      ctx,
      "failed",
      1,
      /clock is wrong/,
    ],
    [
      "NoSuchKey → not found",
      sdkError("NoSuchKey", 404),
      { ...ctx, action: "GetObject" },
      "not-found",
      4,
      // The key ends the message: no full stop is added after it.
      /not found: docs\/a\.txt$/,
    ],
    [
      "NoSuchVersion → not found",
      sdkError("NoSuchVersion", 404),
      { ...ctx, action: "GetObject", versionId: "v1" },
      "not-found",
      4,
      /version v1 of docs\/a\.txt/,
    ],
    [
      "HEAD 404 (no code) → not found",
      sdkError("NotFound", 404),
      { ...ctx, action: "HeadObject" },
      "not-found",
      4,
      /not found/,
    ],
    [
      "NoSuchBucket → config problem",
      sdkError("NoSuchBucket", 404),
      ctx,
      "usage",
      2,
      /bucket b does not exist/,
    ],
    ["SlowDown → failed", sdkError("SlowDown", 503), ctx, "failed", 1, /unavailable/],
    ["BadDigest → failed integrity", sdkError("BadDigest", 400), ctx, "failed", 1, /checksum/],
    ["TooManyParts → failed", sdkError("TooManyParts", 400), ctx, "failed", 1, /10,000 parts/],
  ];
  it.each(table)("%s", (_n, err, c, kind, exit, message) => {
    const mapped = mapAwsError(err, c);
    expect(mapped).toBeInstanceOf(StrongboxError);
    expect(mapped.kind).toBe(kind);
    expect(mapped.exitCode).toBe(exit);
    expect(mapped.message).toMatch(message);
  });

  it("AbortError → interrupted (130)", () => {
    const e = Object.assign(new Error("aborted"), { name: "AbortError" });
    expect(mapAwsError(e, ctx).exitCode).toBe(130);
  });

  it("no base credentials → exit 5 with a profile hint", () => {
    const e = Object.assign(new Error("Could not load credentials from any providers"), {
      name: "CredentialsProviderError",
    });
    const mapped = mapAwsError(e, { action: "AssumeRole" });
    expect(mapped.exitCode).toBe(5);
    expect(mapped.hint).toMatch(/--profile/);
  });

  it("connection refused → failed, names the action", () => {
    const e = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), {
      code: "ECONNREFUSED",
    });
    const mapped = mapAwsError(e, { action: "ListObjectsV2" });
    expect(mapped.kind).toBe("failed");
    expect(mapped.message).toMatch(/could not reach AWS for ListObjectsV2/);
  });

  it("a programming error is not mistaken for an S3 code", () => {
    const mapped = mapAwsError(new TypeError("x is not a function"), ctx);
    expect(mapped.kind).toBe("failed");
    expect(mapped.message).toBe("PutObject on s3://b/docs/a.txt failed: x is not a function");
  });

  it("a StrongboxError passes through unchanged", () => {
    const e = new StrongboxError("not-found", "x");
    expect(mapAwsError(e, ctx)).toBe(e);
  });

  it("the right role denied hints at a policy problem, not at another role", () => {
    const mapped = mapAwsError(sdkError("AccessDenied", 403), { ...ctx, role: "uploader" });
    expect(mapped.message).toMatch(/although the access contract allows uploader/);
  });

  it("permanent delete denied to admin says MFA is needed", () => {
    const mapped = mapAwsError(sdkError("AccessDenied", 403), {
      action: "DeleteObjectVersion",
      role: "admin",
      key: "k",
      versionId: "v",
    });
    expect(mapped.message).toMatch(/needs a fresh MFA in the admin session/);
    expect(mapped.hint).toMatch(/log in again with a new MFA code: `strongbox login --role admin`/);
  });

  it("a viewer's permanent delete names admin (with MFA)", () => {
    const mapped = mapAwsError(sdkError("AccessDenied", 403), {
      action: "DeleteObjectVersion",
      role: "viewer",
      key: "k",
    });
    expect(mapped.message).toMatch(/admin can \(with MFA\)/);
    expect(mapped.hint).toMatch(/login --role admin/);
  });
});

describe("mapS3HttpError: raw answers to pre-signed URLs", () => {
  it.each([
    [{ status: 403, s3ErrorCode: "AccessDenied" }, "access-denied", 3],
    [
      { status: 403, s3ErrorCode: "AccessDenied", s3Message: "Request has expired" },
      "credentials",
      5,
    ],
    [{ status: 400, s3ErrorCode: "ExpiredToken" }, "credentials", 5],
    [{ status: 404, s3ErrorCode: "NoSuchKey" }, "not-found", 4],
    [{ status: 404, s3ErrorCode: "NoSuchUpload" }, "not-found", 4],
    [{ status: 404 }, "not-found", 4],
    [{ status: 403, s3ErrorCode: "SignatureDoesNotMatch" }, "failed", 1],
    [{ status: 500 }, "failed", 1],
    [{ status: 400, s3ErrorCode: "EntityTooSmall" }, "failed", 1],
  ] as const)("%j → %s", (failure, kind, exit) => {
    const mapped = mapS3HttpError({ action: "UploadPart", role: "uploader", key: "k", ...failure });
    expect(mapped.kind).toBe(kind);
    expect(mapped.exitCode).toBe(exit);
  });

  it("a refused signature with a server Date far from ours is a clock problem", () => {
    const now = Date.parse("2026-01-01T12:00:00Z");
    const mapped = mapS3HttpError({
      action: "GetObject",
      status: 403,
      s3ErrorCode: "SignatureDoesNotMatch",
      serverDate: "Thu, 01 Jan 2026 11:40:00 GMT",
      now,
    });
    expect(mapped.message).toMatch(/about 20 minutes ahead of S3/);
    expect(mapped.hint).toMatch(/fix the clock/);
  });

  it("a 404 is not blamed on a skewed clock", () => {
    const mapped = mapS3HttpError({
      action: "GetObject",
      status: 404,
      serverDate: "Thu, 01 Jan 2026 11:00:00 GMT",
      now: Date.parse("2026-01-01T12:00:00Z"),
    });
    expect(mapped.kind).toBe("not-found");
  });

  it("every action names at least one role except AssumeRole", () => {
    for (const [action, entry] of Object.entries(ACTION_ROLES)) {
      if (action !== "AssumeRole") expect(entry.roles.length).toBeGreaterThan(0);
    }
  });
});

describe("redact", () => {
  const url =
    "https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=ASIAQWERTYUIOPASDFGH%2F20260101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20260101T000000Z&X-Amz-Expires=900&X-Amz-Security-Token=IQoJb3JpZ2luX2VjEXAMPLETOKEN&X-Amz-Signature=0123456789abcdef&X-Amz-SignedHeaders=host";

  it("strips signature, credential and token from a pre-signed URL, keeps the rest", () => {
    const out = redact(`GET ${url} failed`);
    expect(out).not.toContain("0123456789abcdef");
    expect(out).not.toContain("ASIAQWERTYUIOPASDFGH");
    expect(out).not.toContain("IQoJb3JpZ2luX2VjEXAMPLETOKEN");
    expect(out).toContain("X-Amz-Signature=[REDACTED]");
    expect(out).toContain("X-Amz-Expires=900");
    expect(out).toContain("https://b.s3.amazonaws.com/k?");
  });

  it("removes bare access key ids and Authorization headers", () => {
    expect(redact("key AKIAIOSFODNN7EXAMPLE used")).toBe("key [REDACTED-KEY-ID] used");
    expect(redact("Authorization: AWS4-HMAC-SHA256 Credential=x, Signature=y")).toBe(
      "Authorization: [REDACTED]",
    );
  });

  it("leaves prose that mentions authorization alone", () => {
    expect(redact("missing authorization for s3:GetObject")).toBe(
      "missing authorization for s3:GetObject",
    );
    expect(redact('{"Authorization":"AWS4-HMAC-SHA256 Credential=AKIA"}')).toBe(
      '{"Authorization":"[REDACTED]"}',
    );
  });

  it("removes secrets passed explicitly, wherever they appear", () => {
    const secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    expect(redact(`secret=${secret}; again ${secret}`, [secret])).toBe(
      "secret=[REDACTED]; again [REDACTED]",
    );
  });

  it("S3's echoed message is redacted in mapped errors", () => {
    const mapped = mapS3HttpError({
      action: "GetObject",
      status: 400,
      s3ErrorCode: "InvalidArgument",
      s3Message: `bad ${url}`,
    });
    expect(mapped.message).not.toContain("0123456789abcdef");
  });
});
