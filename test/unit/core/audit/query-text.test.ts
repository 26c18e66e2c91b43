import { describe, expect, it } from "vitest";
import {
  filterClause,
  insightsString,
  narrowQuery,
  splitCommands,
  validateKey,
  validatePrincipal,
} from "../../../../src/core/audit/query-text.js";
import { StrongboxError } from "../../../../src/core/errors.js";

const SAVED = `fields @timestamp, userIdentity.arn, requestParameters.key, errorCode
| filter eventSource = "s3.amazonaws.com" and eventName in ["PutObject", "UploadPart"] and ispresent(errorCode)
| stats count(*) as failures by userIdentity.arn, requestParameters.key
| sort failures desc
| limit 100`;

describe("insightsString", () => {
  it("escapes quotes and backslashes so a value stays one literal", () => {
    expect(insightsString('a"b\\c', "key")).toBe('"a\\"b\\\\c"');
    expect(insightsString('x" or 1=1 | stats count(*) #', "key")).toBe(
      '"x\\" or 1=1 | stats count(*) #"',
    );
  });
  it.each(["line\nbreak", "nul\u0000", "tab\t", "del\u007f"])(
    "refuses control characters in %j",
    (value) => {
      expect(() => insightsString(value, "key")).toThrow(StrongboxError);
    },
  );
  it("keeps Unicode as is", () => {
    expect(insightsString("réports/naïve ☃.pdf", "key")).toBe('"réports/naïve ☃.pdf"');
  });
});

describe("validateKey / validatePrincipal", () => {
  it("refuses an empty key and one longer than 1024 bytes", () => {
    expect(() => validateKey("")).toThrow(/must not be empty/);
    expect(() => validateKey("é".repeat(513))).toThrow(/1024-byte/);
    expect(validateKey("a".repeat(1024))).toHaveLength(1024);
  });
  it.each([
    "arn:aws:iam::123456789012:role/strongbox-uploader",
    "arn:aws:sts::123456789012:assumed-role/strongbox-viewer/alice",
    "alice@example.com",
    "123456789012",
    "AROAEXAMPLE:alice",
  ])("accepts the principal %s", (principal) => {
    expect(validatePrincipal(principal)).toBe(principal);
  });
  it.each(['alice" or "1"="1', "alice | stats count(*)", "bob smith", "", "a\nb"])(
    "refuses the principal %j with a usage error",
    (principal) => {
      const error = (() => {
        try {
          validatePrincipal(principal);
        } catch (e) {
          return e;
        }
      })() as StrongboxError;
      expect(error).toBeInstanceOf(StrongboxError);
      expect(error.kind).toBe("usage");
    },
  );
});

describe("filterClause", () => {
  it("is undefined without filters", () => {
    expect(filterClause({})).toBeUndefined();
  });
  it("matches the key exactly and the principal on ARN, SourceIdentity, issuer or id", () => {
    expect(filterClause({ key: "a/b.txt", principal: "alice@example.com" })).toBe(
      'filter requestParameters.key = "a/b.txt" and (userIdentity.arn = "alice@example.com" or userIdentity.sessionContext.sourceIdentity = "alice@example.com" or requestParameters.sourceIdentity = "alice@example.com" or userIdentity.sessionContext.sessionIssuer.arn = "alice@example.com" or userIdentity.principalId = "alice@example.com")',
    );
  });
});

describe("splitCommands", () => {
  it("ignores pipes inside strings, regexes, backticks and comments", () => {
    const query = [
      "fields `a|b`, @message # comment | not a pipe",
      '| filter x = "p|q" and y like /r|s/ and z = \'t|u\' and w = "esc\\"|"',
      "| limit 5",
    ].join("\n");
    const commands = splitCommands(query);
    expect(commands).toHaveLength(3);
    expect(commands[1]).toContain('"p|q"');
    expect(commands[1]).toContain("/r|s/");
    expect(commands[1]).toContain('"esc\\"|"');
  });
});

describe("narrowQuery", () => {
  it("returns the saved query untouched without filters", () => {
    expect(narrowQuery(SAVED, {})).toBe(SAVED);
  });
  it("inserts the filter before the first stats", () => {
    const narrowed = narrowQuery(SAVED, { key: "reports/q3.pdf" });
    const lines = narrowed.split("\n");
    expect(lines).toHaveLength(6);
    expect(lines[2]).toBe('| filter requestParameters.key = "reports/q3.pdf"');
    expect(lines[3]).toMatch(/^\| stats count/);
    expect(lines.at(-1)).toBe("| limit 100");
  });
  it("appends the filter to a query without aggregation", () => {
    const narrowed = narrowQuery(
      'fields @timestamp, eventName\n| filter eventSource = "s3.amazonaws.com"',
      { principal: "alice" },
    );
    expect(narrowed.split("\n| ")).toHaveLength(3);
    expect(narrowed.split("\n| ")[2]).toMatch(/^filter \(userIdentity.arn = "alice"/);
  });
  it("puts the filter before sort when there is no stats", () => {
    const narrowed = narrowQuery("fields @timestamp\n| sort @timestamp desc\n| limit 20", {
      key: "k",
    });
    expect(narrowed).toBe(
      'fields @timestamp\n| filter requestParameters.key = "k"\n| sort @timestamp desc\n| limit 20',
    );
  });
  it("keeps a hostile key inside one string literal (regression: injection through --key)", () => {
    const narrowed = narrowQuery(SAVED, { key: 'x" | stats count(*) by bucket | filter "1"="1' });
    // The pipeline still has exactly the saved commands plus one filter.
    expect(splitCommands(narrowed)).toHaveLength(6);
  });
});
