import { describe, expect, it } from "vitest";
import { keepPersonalSettings, parseConfig } from "../../../../src/core/config.js";
import { baseProfileOf } from "../../../../src/core/session/assume.js";
import { testConfig } from "../../../support/config.js";

/*
 * The AWS profile a login starts from: --profile, else AWS_PROFILE (the SDK
 * reads it itself), else the config's profile for that role, else the
 * default chain. The local stack names one per role (its demo users).
 */

const config = testConfig({ profiles: { viewer: "local-viewer", admin: "admin-user" } });

describe("baseProfileOf", () => {
  it("--profile wins over everything", () => {
    expect(
      baseProfileOf({ config, role: "viewer", profile: "work", env: { AWS_PROFILE: "x" } }),
    ).toBe("work");
  });

  it("AWS_PROFILE or keys in the environment win over the config: nothing is named, the SDK reads them", () => {
    expect(baseProfileOf({ config, role: "viewer", env: { AWS_PROFILE: "x" } })).toBeUndefined();
    expect(
      baseProfileOf({ config, role: "viewer", env: { AWS_ACCESS_KEY_ID: "AKIA" } }),
    ).toBeUndefined();
  });

  it("else the config's profile for the role, and for a role it does not name, none", () => {
    expect(baseProfileOf({ config, role: "viewer", env: {} })).toBe("local-viewer");
    expect(baseProfileOf({ config, role: "admin", env: { AWS_PROFILE: "" } })).toBe("admin-user");
    expect(baseProfileOf({ config, role: "uploader", env: {} })).toBeUndefined();
    expect(baseProfileOf({ config: testConfig(), role: "viewer", env: {} })).toBeUndefined();
  });
});

describe("the config's profiles", () => {
  it("are checked (known roles, non-empty names) and kept by configure", () => {
    const { version, ...rest } = testConfig();
    const parsed = parseConfig({ version, ...rest, profiles: { uploader: "u" } }, "test");
    expect(parsed.profiles).toEqual({ uploader: "u" });
    expect(() => parseConfig({ version, ...rest, profiles: { auditor: "x" } }, "test")).toThrow();
    expect(() => parseConfig({ version, ...rest, profiles: { viewer: "" } }, "test")).toThrow();
    const { config: next, kept } = keepPersonalSettings(testConfig(), config);
    expect(next.profiles).toEqual(config.profiles);
    expect(kept).toContain("profiles");
  });
});
