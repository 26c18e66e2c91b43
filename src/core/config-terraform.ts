import { execFile } from "node:child_process";
import { readFile, stat } from "node:fs/promises";
import { arnSchema, describeIssues, parseConfig, type StrongboxConfig } from "./config.js";
import { StrongboxError } from "./errors.js";
import * as z from "./schema.js";
import { engineErrorText } from "./terraform-diagnostics.js";

/**
 * `tofu output -json` of a Strongbox root module (infra/envs/{aws,local}) →
 * the CLI config. The names are the outputs contract of the team contract.
 */

const roleArns = z.object({ uploader: arnSchema, viewer: arnSchema, admin: arnSchema });

/** The outputs the CLI needs; everything else (demo_principals, …) is ignored. */
export const terraformOutputsSchema = z.object({
  region: z.string().check(z.minLength(1)),
  account_id: z.optional(z.string()),
  bucket_name: z.string().check(z.minLength(3)),
  kms_key_arn: arnSchema,
  role_arns: roleArns,
  admin_mfa_required: z.boolean(),
  admin_mfa_max_age_seconds: z.nullish(z.int().check(z.positive())),
  uploader_can_overwrite: z.nullish(z.boolean()),
  max_session_duration_seconds: z.int().check(z.positive()),
  endpoint_url: z.nullish(z.url()),
  max_signature_age_ms: z.nullish(z.int().check(z.positive())),
  trail_name: z.nullish(z.string()),
  trail_arn: z.nullish(arnSchema),
  event_rule_name: z.nullish(z.string()),
  activity_topic_arn: z.nullish(arnSchema),
  key_guard_topic_arn: z.nullish(arnSchema),
  trail_log_bucket_name: z.nullish(z.string()),
  monitoring_kms_key_arn: z.nullish(arnSchema),
  kms_administrator_arns: z.nullish(z.array(arnSchema)),
  trail_log_group_name: z.nullish(z.string()),
  sns_topic_arn: z.nullish(z.string()),
  alarm_names: z.nullish(z.array(z.string())),
  query_names: z.nullish(z.record(z.string(), z.string())),
  cors_allowed_origins: z.nullish(z.array(z.string())),
});
export type TerraformOutputs = z.infer<typeof terraformOutputsSchema>;

/** The engine that printed the outputs; undefined: read from a saved file. */
export type TerraformEngine = "tofu" | "terraform";

/** How a hint names an engine command: the engine used, else both. */
const engineCommand = (engine: TerraformEngine | undefined, command: string): string =>
  engine === undefined
    ? `\`tofu ${command}\` (or \`terraform ${command}\`)`
    : `\`${engine} ${command}\``;

/** `output -json` wraps each value: { name: { value, type, sensitive } }. */
const outputEnvelope = z.record(z.string(), z.looseObject({ value: z.unknown() }));

export function configFromTerraformOutputs(
  raw: unknown,
  source: string,
  engine?: TerraformEngine,
): StrongboxConfig {
  const envelope = outputEnvelope.safeParse(raw);
  if (!envelope.success) {
    throw new StrongboxError(
      "usage",
      `${source} is not the JSON of ${engineCommand(engine, "output -json")}: ${describeIssues(envelope.error)}`,
    );
  }
  const values = Object.fromEntries(
    Object.entries(envelope.data).map(([name, output]) => [name, output.value]),
  );
  if (Object.keys(values).length === 0) {
    throw new StrongboxError("usage", `${source} has no outputs: is the stack applied?`, {
      hint: `run ${engineCommand(engine, "apply")} in that directory first (and keep its state reachable: TF_DATA_DIR)`,
    });
  }
  const parsed = terraformOutputsSchema.safeParse(values);
  if (!parsed.success) {
    throw new StrongboxError(
      "usage",
      `${source} lacks the Strongbox outputs the CLI needs: ${describeIssues(parsed.error)}`,
      {
        hint: "point --from-terraform at infra/envs/aws or infra/envs/local (or their output -json)",
      },
    );
  }
  const out = parsed.data;
  const endpoint = out.endpoint_url ?? undefined;
  const hasMonitoring =
    out.trail_name != null || out.trail_log_group_name != null || out.sns_topic_arn != null;
  return parseConfig(
    {
      version: 1,
      region: out.region,
      bucket: out.bucket_name,
      kmsKeyArn: out.kms_key_arn,
      roles: out.role_arns,
      adminMfaRequired: out.admin_mfa_required,
      ...(out.admin_mfa_max_age_seconds != null
        ? { adminMfaMaxAgeSeconds: out.admin_mfa_max_age_seconds }
        : {}),
      ...(out.max_signature_age_ms != null ? { maxSignatureAgeMs: out.max_signature_age_ms } : {}),
      ...(out.uploader_can_overwrite != null
        ? { uploaderCanOverwrite: out.uploader_can_overwrite }
        : {}),
      maxSessionSeconds: out.max_session_duration_seconds,
      ...(endpoint === undefined ? {} : { endpoint }),
      // Emulators serve buckets by path, not by virtual host.
      forcePathStyle: endpoint !== undefined,
      ...(out.cors_allowed_origins != null ? { uiOrigins: out.cors_allowed_origins } : {}),
      ...(hasMonitoring
        ? {
            monitoring: {
              ...(out.trail_name != null ? { trailName: out.trail_name } : {}),
              ...(out.trail_log_group_name != null
                ? { logGroupName: out.trail_log_group_name }
                : {}),
              ...(out.sns_topic_arn != null ? { topicArn: out.sns_topic_arn } : {}),
              alarmNames: out.alarm_names ?? [],
              queryNames: out.query_names ?? {},
              ...monitoredResources(out),
            },
          }
        : {}),
    },
    `built from ${source}`,
  );
}

/** The monitoring half's resources, for `strongbox access` (each only when the outputs name it). */
function monitoredResources(out: TerraformOutputs) {
  const topics = [out.sns_topic_arn, out.activity_topic_arn, out.key_guard_topic_arn].filter(
    (arn): arn is string => arn != null,
  );
  return {
    ...(out.trail_arn != null ? { trailArn: out.trail_arn } : {}),
    ...(out.event_rule_name != null ? { eventRuleName: out.event_rule_name } : {}),
    ...(topics.length > 0 ? { topicArns: topics } : {}),
    ...(out.trail_log_bucket_name != null ? { trailLogBucket: out.trail_log_bucket_name } : {}),
    ...(out.monitoring_kms_key_arn != null ? { monitoringKeyArn: out.monitoring_kms_key_arn } : {}),
    ...(out.kms_administrator_arns != null
      ? { keyAdministratorArns: out.kms_administrator_arns }
      : {}),
  };
}

export type RunCommand = (
  file: string,
  args: string[],
  cwd: string,
) => Promise<{ stdout: string; stderr: string }>;

const execFileRun: RunCommand = (file, args, cwd) =>
  new Promise((resolve, reject) => {
    execFile(file, args, { cwd, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(Object.assign(err, { stdout, stderr }));
      else resolve({ stdout, stderr });
    });
  });

/**
 * Reads the outputs of DIR (a root module: `tofu output -json`, falling back to
 * `terraform` when tofu is not installed) or of a saved outputs JSON file.
 */
export async function readTerraformOutputs(
  dirOrFile: string,
  run: RunCommand = execFileRun,
): Promise<{ outputs: unknown; source: string; engine?: TerraformEngine }> {
  let isFile: boolean;
  try {
    isFile = (await stat(dirOrFile)).isFile();
  } catch {
    throw new StrongboxError("usage", `--from-terraform ${dirOrFile}: no such file or directory`);
  }
  if (isFile) {
    const text = await readFile(dirOrFile, "utf8");
    try {
      return { outputs: JSON.parse(text), source: dirOrFile };
    } catch (err) {
      throw new StrongboxError("usage", `${dirOrFile} is not JSON: ${(err as Error).message}`);
    }
  }
  const failures: string[] = [];
  for (const tool of ["tofu", "terraform"] as const) {
    let result: { stdout: string; stderr: string };
    try {
      // -no-color: its diagnostics are quoted in the error, where colour codes would show escaped.
      result = await run(tool, ["output", "-json", "-no-color"], dirOrFile);
    } catch (err) {
      const e = err as NodeJS.ErrnoException & { stderr?: string };
      if (e.code === "ENOENT") {
        failures.push(`${tool} not found`);
        continue;
      }
      const detail = engineErrorText(e.stderr || e.message);
      throw new StrongboxError(
        "failed",
        `\`${tool} output -json\` failed in ${dirOrFile}: ${detail}`,
        {
          hint: `is the stack applied (\`${tool} apply\`), and is its state reachable from there (TF_DATA_DIR)?`,
        },
      );
    }
    try {
      return {
        outputs: JSON.parse(result.stdout),
        source: `\`${tool} output -json\` in ${dirOrFile}`,
        engine: tool,
      };
    } catch (err) {
      throw new StrongboxError(
        "failed",
        `\`${tool} output -json\` printed no JSON: ${(err as Error).message}`,
      );
    }
  }
  throw new StrongboxError("usage", `cannot read outputs of ${dirOrFile}: ${failures.join(", ")}`, {
    hint: "install OpenTofu or Terraform, or pass a file saved with `tofu output -json > outputs.json`",
  });
}
