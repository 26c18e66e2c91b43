import { Argument, type Command } from "commander";
import { usageError } from "../../core/errors.js";
import { createPresigner, SIGV4_MAX_EXPIRY_SECONDS } from "../../core/presign.js";
import type { Role } from "../../core/roles.js";
import { createOnlyFor } from "../../core/transfer-run.js";
import { nonEmptyKey, optionalRole, parseDurationSeconds, roleOption } from "../args.js";
import { type CommandContext, type CommandDeps, invocation } from "../context.js";
import { examples } from "../help.js";
import { formatDuration, formatTime } from "../render.js";
import { keyArgument } from "./shared.js";

export interface PresignOptions {
  method: "get" | "put";
  key: string;
  expiresInSeconds: number;
  role: Role | undefined;
}

export interface PresignResult {
  method: "GET" | "PUT";
  key: string;
  role: Role;
  url: string;
  /** Headers the holder must send exactly (signed). */
  headers: Record<string, string>;
  expiresAt: Date;
  requestedSeconds: number;
  /** true when the session's remaining life cut the requested expiry short. */
  clamped: boolean;
}

/** Signs locally: no request reaches S3 until someone uses the URL. */
export async function presign(options: PresignOptions, deps: CommandDeps): Promise<PresignResult> {
  const { config, key } = await keyArgument(deps, options.key);
  // A PUT URL lets someone write: a guessed role is not enough for it.
  const session = await deps.session(
    options.role,
    options.method === "put" ? "sign an upload URL" : undefined,
  );
  const method = options.method === "get" ? "GET" : "PUT";
  const presigner = createPresigner({ config, credentials: session.credentials, now: deps.now });
  // An Uploader's PUT must create a new key: the holder sends If-None-Match: * (signed).
  const createOnly = method === "PUT" && createOnlyFor(config, session.role);
  // The S3 calls read S3's XML with the SDK's parser: loaded only when the command runs.
  const { CREATE_ONLY_HEADERS } = await import("../../core/transfer/s3-transfer.js");
  const signed = await presigner.sign({
    method,
    key,
    ...(createOnly ? { headers: { ...CREATE_ONLY_HEADERS } } : {}),
    expiresInSeconds: options.expiresInSeconds,
  });
  const wantedUntil = deps.now() + options.expiresInSeconds * 1000;
  const clamped = signed.expiresAt.getTime() < wantedUntil - 1000;
  if (clamped) {
    const actual = Math.round((signed.expiresAt.getTime() - deps.now()) / 1000);
    deps.log.warn(
      `URL valid for ${formatDuration(actual)} only (until ${formatTime(signed.expiresAt)}), not ${formatDuration(options.expiresInSeconds)}: it dies with the ${session.role} session. For longer, \`strongbox login --role ${session.role} --duration …\` first.`,
    );
  }
  if (Object.keys(signed.headers).length > 0) {
    deps.log.info(
      `send these headers exactly: ${Object.entries(signed.headers)
        .map(([k, v]) => `${k}: ${v}`)
        .join("; ")}`,
    );
  }
  return {
    method,
    key,
    role: session.role,
    url: signed.url,
    headers: signed.headers,
    expiresAt: signed.expiresAt,
    requestedSeconds: options.expiresInSeconds,
    clamped,
  };
}

/** The URL alone on stdout, so `curl "$(strongbox presign get KEY)"` works. */
export const renderPresign = (r: PresignResult): string => r.url;

export function register(program: Command, ctx: CommandContext): void {
  program
    .command("presign")
    .description("print a pre-signed URL for someone else (expiry capped by your session)")
    .addHelpText(
      "after",
      examples(
        "strongbox presign get report.pdf --expires 1h",
        "curl -T f.bin -H 'If-None-Match: *' \"$(strongbox presign put f.bin --role uploader)\"   # the header it prints is signed",
      ),
    )
    .addArgument(new Argument("<method>", "get or put").choices(["get", "put"]))
    .argument("<key>", "object key")
    .option("--expires <duration>", "how long the URL is valid, e.g. 15m, 1h (max 7d)", "15m")
    .addOption(roleOption())
    .action(
      (
        method: "get" | "put",
        key: string,
        raw: { expires: string; role?: string },
        cmd: Command,
      ) => {
        const expiresInSeconds = parseDurationSeconds(raw.expires, "expires");
        if (expiresInSeconds > SIGV4_MAX_EXPIRY_SECONDS) {
          throw usageError("--expires may be at most 7d (SigV4's limit)");
        }
        const options: PresignOptions = {
          method,
          key: nonEmptyKey(key),
          expiresInSeconds,
          role: optionalRole(raw.role),
        };
        return ctx.run(cmd, invocation("presign", options, presign, renderPresign));
      },
    );
}
