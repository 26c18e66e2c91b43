import { mkdtemp, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  defaultConfigPath,
  loadConfig,
  parseConfig,
  writeConfig,
} from "../../../src/core/config.js";
import {
  configFromTerraformOutputs,
  type RunCommand,
  readTerraformOutputs,
} from "../../../src/core/config-terraform.js";
import { StrongboxError } from "../../../src/core/errors.js";

const arn = (role: string) => `arn:aws:iam::123456789012:role/strongbox-local-${role}`;
const wrap = (values: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(values).map(([k, v]) => [k, { sensitive: false, type: "x", value: v }]),
  );

const localOutputs = {
  region: "us-east-1",
  account_id: "123456789012",
  bucket_name: "strongbox-local-data",
  bucket_arn: "arn:aws:s3:::strongbox-local-data",
  kms_key_arn: "arn:aws:kms:us-east-1:123456789012:key/abc",
  kms_key_alias: "alias/strongbox-local",
  access_log_bucket_name: "strongbox-local-logs",
  role_arns: { uploader: arn("uploader"), viewer: arn("viewer"), admin: arn("admin") },
  admin_mfa_required: false,
  max_session_duration_seconds: 3600,
  cors_allowed_origins: ["http://127.0.0.1:8787"],
  endpoint_url: "http://127.0.0.1:4566",
  demo_principals: { uploader: { access_key_id: "AKIAEXAMPLE", secret_access_key: "s" } },
};

const validConfig = {
  version: 1,
  region: "us-east-1",
  bucket: "strongbox-local-data",
  kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/abc",
  roles: { uploader: arn("uploader"), viewer: arn("viewer"), admin: arn("admin") },
  adminMfaRequired: true,
  maxSessionSeconds: 3600,
};

const usageMessage = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(StrongboxError);
    expect((err as StrongboxError).kind).toBe("usage");
    return (err as StrongboxError).message;
  }
  throw new Error("did not throw");
};

describe("terraform outputs → config", () => {
  it("maps the local env's outputs, endpoint and path-style included", () => {
    const config = configFromTerraformOutputs(wrap(localOutputs), "test");
    expect(config).toEqual({
      version: 1,
      region: "us-east-1",
      bucket: "strongbox-local-data",
      kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/abc",
      roles: localOutputs.role_arns,
      adminMfaRequired: false,
      maxSessionSeconds: 3600,
      endpoint: "http://127.0.0.1:4566",
      forcePathStyle: true,
      uiOrigins: ["http://127.0.0.1:8787"],
    });
  });

  it("an older stack without cors_allowed_origins gets no uiOrigins", () => {
    const { cors_allowed_origins: _c, ...older } = localOutputs;
    expect(configFromTerraformOutputs(wrap(older), "old").uiOrigins).toBeUndefined();
  });

  it("a real account (endpoint_url null) gets no endpoint and virtual-host style", () => {
    const config = configFromTerraformOutputs(wrap({ ...localOutputs, endpoint_url: null }), "aws");
    expect(config.endpoint).toBeUndefined();
    expect(config.forcePathStyle).toBe(false);
  });

  it("monitoring outputs land in config.monitoring", () => {
    const config = configFromTerraformOutputs(
      wrap({
        ...localOutputs,
        trail_name: "t",
        trail_log_group_name: "/strongbox/trail",
        sns_topic_arn: "arn:aws:sns:us-east-1:123456789012:alerts",
        alarm_names: ["a1"],
        query_names: { denied: "strongbox/denied" },
      }),
      "x",
    );
    expect(config.monitoring).toEqual({
      trailName: "t",
      logGroupName: "/strongbox/trail",
      topicArn: "arn:aws:sns:us-east-1:123456789012:alerts",
      alarmNames: ["a1"],
      queryNames: { denied: "strongbox/denied" },
      topicArns: ["arn:aws:sns:us-east-1:123456789012:alerts"],
    });
  });

  it("the monitoring half's resources land in config.monitoring, for `strongbox access`", () => {
    const sns = "arn:aws:sns:us-east-1:123456789012";
    const config = configFromTerraformOutputs(
      wrap({
        ...localOutputs,
        max_signature_age_ms: 600000,
        trail_log_group_name: "/strongbox/trail",
        trail_arn: "arn:aws:cloudtrail:us-east-1:123456789012:trail/sb",
        event_rule_name: "sb-activity",
        sns_topic_arn: `${sns}:alerts`,
        activity_topic_arn: `${sns}:activity`,
        key_guard_topic_arn: `${sns}:key-guard`,
        trail_log_bucket_name: "sb-trail-logs",
        monitoring_kms_key_arn: "arn:aws:kms:us-east-1:123456789012:key/m",
        kms_administrator_arns: ["arn:aws:iam::123456789012:user/keys"],
      }),
      "x",
    );
    expect(config.maxSignatureAgeMs).toBe(600000);
    expect(config.monitoring).toMatchObject({
      trailArn: "arn:aws:cloudtrail:us-east-1:123456789012:trail/sb",
      eventRuleName: "sb-activity",
      topicArns: [`${sns}:alerts`, `${sns}:activity`, `${sns}:key-guard`],
      trailLogBucket: "sb-trail-logs",
      monitoringKeyArn: "arn:aws:kms:us-east-1:123456789012:key/m",
      keyAdministratorArns: ["arn:aws:iam::123456789012:user/keys"],
    });
  });

  it("names every missing or malformed output", () => {
    const { bucket_name: _b, ...rest } = localOutputs;
    const msg = usageMessage(() =>
      configFromTerraformOutputs(
        wrap({ ...rest, role_arns: { uploader: "nope" } }),
        "outputs.json",
      ),
    );
    expect(msg).toContain("bucket_name");
    expect(msg).toContain("role_arns.uploader");
    expect(msg).toContain("role_arns.viewer");
  });

  it("an unapplied stack (no outputs) says so", () => {
    expect(usageMessage(() => configFromTerraformOutputs({}, "dir"))).toMatch(/no outputs/);
  });

  it("refuses JSON that is not `output -json` shaped", () => {
    expect(usageMessage(() => configFromTerraformOutputs({ region: "us-east-1" }, "f"))).toMatch(
      /not the JSON of `tofu output -json`/,
    );
  });
});

describe("readTerraformOutputs", () => {
  it("reads a saved outputs file", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sb-cfg-"));
    const file = join(dir, "outputs.json");
    await writeFile(file, JSON.stringify(wrap(localOutputs)));
    const { outputs, source } = await readTerraformOutputs(file);
    expect(source).toBe(file);
    expect(configFromTerraformOutputs(outputs, source).bucket).toBe("strongbox-local-data");
  });

  it("runs tofu in the directory, falling back to terraform when tofu is absent", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sb-cfg-"));
    const calls: string[] = [];
    const run: RunCommand = async (file, args, cwd) => {
      calls.push(`${file} ${args.join(" ")} @${cwd}`);
      if (file === "tofu") throw Object.assign(new Error("spawn tofu ENOENT"), { code: "ENOENT" });
      return { stdout: JSON.stringify(wrap(localOutputs)), stderr: "" };
    };
    const { source } = await readTerraformOutputs(dir, run);
    // -no-color: the engine's diagnostics are quoted in errors, where colour codes show escaped.
    expect(calls).toEqual([
      `tofu output -json -no-color @${dir}`,
      `terraform output -json -no-color @${dir}`,
    ]);
    expect(source).toContain("terraform output -json");
  });

  it("neither tool installed → usage error with a way out", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sb-cfg-"));
    const run: RunCommand = async () => {
      throw Object.assign(new Error("ENOENT"), { code: "ENOENT" });
    };
    await expect(readTerraformOutputs(dir, run)).rejects.toMatchObject({
      kind: "usage",
      message: expect.stringContaining("tofu not found, terraform not found"),
    });
  });

  it("a failing `tofu output` reports its stderr", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sb-cfg-"));
    const run: RunCommand = async () => {
      throw Object.assign(new Error("exit 1"), {
        code: 1,
        stderr: "Error: No state file was found!",
      });
    };
    await expect(readTerraformOutputs(dir, run)).rejects.toMatchObject({
      kind: "failed",
      message: expect.stringContaining("No state file was found"),
    });
  });

  it("a missing path is a usage error", async () => {
    await expect(readTerraformOutputs("/nonexistent/strongbox")).rejects.toMatchObject({
      kind: "usage",
    });
  });
});

describe("config file", () => {
  it("default path: $STRONGBOX_CONFIG, else ~/.config/strongbox/config.json", () => {
    expect(defaultConfigPath({ STRONGBOX_CONFIG: "/etc/x.json" }, "/home/u")).toBe("/etc/x.json");
    expect(defaultConfigPath({}, "/home/u")).toBe("/home/u/.config/strongbox/config.json");
  });

  it("is written 0600 in a new 0700 directory and reads back equal", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sb-cfg-"));
    const path = join(dir, "nested", "config.json");
    await writeConfig(path, parseConfig(validConfig, "t"));
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, "nested"))).mode & 0o777).toBe(0o700);
    expect(await loadConfig(path)).toEqual({ ...validConfig, forcePathStyle: false });
  });

  it("missing file → usage error pointing at configure", async () => {
    await expect(loadConfig("/nonexistent/config.json")).rejects.toMatchObject({
      kind: "usage",
      message: "no Strongbox config at /nonexistent/config.json",
      hint: expect.stringContaining("strongbox configure --from-terraform"),
    });
  });

  it("malformed JSON and invalid fields are clear usage errors", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sb-cfg-"));
    const broken = join(dir, "broken.json");
    await writeFile(broken, "{ not json");
    await expect(loadConfig(broken)).rejects.toMatchObject({
      kind: "usage",
      message: expect.stringContaining("is not JSON"),
    });
    const invalid = join(dir, "invalid.json");
    await writeFile(invalid, JSON.stringify({ ...validConfig, version: 2, endpoint: "not a url" }));
    const err = (await loadConfig(invalid).catch((e: unknown) => e)) as StrongboxError;
    expect(err.kind).toBe("usage");
    expect(err.message).toContain("version");
    expect(err.message).toContain("endpoint");
  });

  it("written JSON has no trailing garbage and ends with a newline", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sb-cfg-"));
    const path = join(dir, "c.json");
    await writeConfig(path, parseConfig(validConfig, "t"));
    const text = await readFile(path, "utf8");
    expect(text.endsWith("}\n")).toBe(true);
  });
});

describe("config: transfer defaults", () => {
  const base = validConfig;
  it("accepts part size, concurrency and files in flight", () => {
    const transfer = { partSize: 32 * 1024 * 1024, concurrency: 12, files: 24 };
    expect(parseConfig({ ...base, transfer }, "t").transfer).toEqual(transfer);
    expect(parseConfig(base, "t").transfer).toBeUndefined();
  });
  it("refuses a part size S3 would refuse, and zero in flight", () => {
    expect(() => parseConfig({ ...base, transfer: { partSize: 1024 } }, "t")).toThrow(
      /transfer\.partSize/,
    );
    expect(() => parseConfig({ ...base, transfer: { files: 0 } }, "t")).toThrow(/transfer\.files/);
  });
});
