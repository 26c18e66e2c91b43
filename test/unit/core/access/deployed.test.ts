import { describe, expect, test } from "vitest";
import { parsePolicyDocument } from "../../../../src/core/access/deployed.js";
import { StrongboxError } from "../../../../src/core/errors.js";

const policy = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/100%/*" }],
};

describe("reading policy documents back", () => {
  test("IAM's URL-encoded documents and S3/KMS's plain JSON both parse", () => {
    expect(parsePolicyDocument(encodeURIComponent(JSON.stringify(policy)), "inline")).toEqual(
      policy,
    );
    // A literal '%' in plain JSON must not be URL-decoded.
    expect(parsePolicyDocument(JSON.stringify(policy), "bucket policy")).toEqual(policy);
  });

  test("anything else is a clear error that names the document", () => {
    expect(() => parsePolicyDocument("<xml/>", "key policy of k")).toThrow(StrongboxError);
    expect(() => parsePolicyDocument('{"Version":"2012-10-17"}', "key policy of k")).toThrow(
      /key policy of k/,
    );
  });
});
