import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { z } from "zod";
import { StrongboxError } from "./errors.js";
import { writeFileAtomic } from "./fs/atomic.js";
import { ROLES } from "./roles.js";

/** The CLI's configuration file (written by `strongbox configure`). */
export const configSchema = z.object({
  version: z.literal(1),
  region: z.string().min(1),
  bucket: z.string().min(3),
  kmsKeyArn: z.string().startsWith("arn:"),
  roles: z.object(
    Object.fromEntries(ROLES.map((r) => [r, z.string().startsWith("arn:")])) as {
      uploader: z.ZodString;
      viewer: z.ZodString;
      admin: z.ZodString;
    },
  ),
  adminMfaRequired: z.boolean(),
  maxSessionSeconds: z.number().int().positive(),
  /** Set only for the local emulator: one endpoint for every AWS service. */
  endpoint: z.url().optional(),
  forcePathStyle: z.boolean().default(false),
  /** The role data commands use when neither --role nor STRONGBOX_ROLE says one. */
  defaultRole: z.enum(ROLES).optional(),
  /** MFA device for roles that need MFA, when the AWS profile has no `mfa_serial`. */
  mfaSerial: z.string().startsWith("arn:").optional(),
  monitoring: z
    .object({
      trailName: z.string().optional(),
      logGroupName: z.string().optional(),
      topicArn: z.string().optional(),
      alarmNames: z.array(z.string()).default([]),
      queryNames: z.record(z.string(), z.string()).default({}),
    })
    .optional(),
});

export type StrongboxConfig = z.infer<typeof configSchema>;

/** $STRONGBOX_CONFIG, else the platform's config folder (core/paths.ts; contract). */
export { defaultConfigPath } from "./paths.js";

/** Role sessions live next to the config: <dirname(config)>/sessions (contract). */
export const sessionsDirOf = (configPath: string): string => join(dirname(configPath), "sessions");

/** Validates parsed JSON as a config; every problem is listed with its field path. */
export function parseConfig(value: unknown, source: string): StrongboxConfig {
  const parsed = configSchema.safeParse(value);
  if (!parsed.success) {
    throw new StrongboxError(
      "usage",
      `config ${source} is not valid: ${describeIssues(parsed.error)}`,
      {
        hint: "run `strongbox configure --from-terraform DIR` again",
      },
    );
  }
  return parsed.data;
}

export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(root)"}: ${issue.message}`)
    .join("; ");
}

export async function loadConfig(path: string): Promise<StrongboxConfig> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") {
      throw new StrongboxError("usage", `no Strongbox config at ${path}`, {
        hint: "run `strongbox configure --from-terraform DIR`, or pass --config PATH / set STRONGBOX_CONFIG",
      });
    }
    throw new StrongboxError("usage", `cannot read config ${path}: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new StrongboxError("usage", `config ${path} is not JSON: ${(err as Error).message}`, {
      hint: "run `strongbox configure --from-terraform DIR` again",
    });
  }
  return parseConfig(json, path);
}

/** Writes the config owner-only (0600; a new directory 0700), atomically (temp file + rename). */
export async function writeConfig(path: string, config: StrongboxConfig): Promise<void> {
  const valid = parseConfig(config, "to be written");
  await writeFileAtomic(path, `${JSON.stringify(valid, null, 2)}\n`);
}
