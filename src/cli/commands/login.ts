import { type Command, Option } from "commander";
import { ROLES, type Role } from "../../core/roles.js";
import { mfaSessionCacheOf, sessionCacheOf } from "../../core/session/cache.js";
import { type SessionSummary, summarizeSession } from "../../core/session/types.js";
import { parseDurationSeconds, parseRole } from "../args.js";
import { type CommandContext, type CommandDeps, invocation } from "../context.js";
import { examples } from "../help.js";
import {
  askMfaCode,
  MFA_CODE_ENV,
  type MfaInput,
  offeredMfaCode,
  parseMfaFlag,
} from "../mfa-input.js";
import { formatDuration, formatTime } from "../render.js";

export interface LoginOptions {
  role: Role;
  /** Where the MFA code comes from when given up front (the code itself prints as [redacted]). */
  mfa: MfaInput | undefined;
  durationSeconds: number | undefined;
}

export interface LoginResult extends SessionSummary {
  cachePath: string;
}

/** Always assumes the role afresh (an explicit login), then caches the session. */
export async function login(options: LoginOptions, deps: CommandDeps): Promise<LoginResult> {
  const config = await deps.config();
  const offered = await offeredMfaCode(options.mfa, deps);
  // STS and the credential chain load only when login runs.
  const { assumeRoleSession } = await import("../../core/session/assume.js");
  const session = await assumeRoleSession({
    config,
    role: options.role,
    profile: deps.globals.profile,
    durationSeconds: options.durationSeconds,
    mfaOffered: offered !== undefined,
    mfaCode: async (serial, why) => offered ?? (await askMfaCode(serial, why, deps)),
    // A code opens an MFA session that later logins reuse while it lives (as aws-vault does).
    mfaCache: mfaSessionCacheOf(deps.globals, deps.now),
    ...(deps.prompt === undefined
      ? {}
      : {
          // A base profile with role_arn + mfa_serial asks for its own code, as the AWS CLI does.
          baseMfaCode: async (serial: string) =>
            (
              await (deps.prompt as (q: string) => Promise<string>)(
                `MFA code for ${serial} (your AWS profile): `,
              )
            ).trim(),
        }),
    now: deps.now,
    onDecision: deps.log.debug,
    signal: deps.signal,
    env: deps.env,
  });
  const cache = sessionCacheOf(deps.globals, deps.now);
  const cachePath = await cache.write(session);
  deps.log.debug(`session cached in ${cachePath}`);
  return { ...summarizeSession(session, deps.now()), cachePath };
}

export const renderLogin = (r: LoginResult): string =>
  `logged in as ${r.role} (${r.sourceIdentity}${r.mfa ? ", MFA" : ""}) until ${formatTime(r.expiration)} (${formatDuration(r.remainingSeconds)})`;

export function register(program: Command, ctx: CommandContext): void {
  program
    .command("login")
    .description("assume a role with STS and cache its session (owner-only file)")
    .addHelpText(
      "after",
      examples(
        "strongbox login --role uploader",
        "strongbox login --role admin --duration 1h      # MFA: prompted; or --mfa-code - (stdin), or STRONGBOX_MFA_CODE",
        "strongbox login --role viewer --profile work",
      ),
    )
    .addOption(new Option("--role <role>", "role to assume").choices(ROLES).makeOptionMandatory())
    .option(
      "--mfa-code <code|->",
      `MFA code: - reads it from stdin; otherwise prompted on a terminal or taken from ${MFA_CODE_ENV} (a code on the command line works but is visible to other users)`,
    )
    .option("--duration <duration>", "session length, e.g. 1h (capped by the role's maximum)")
    .action((raw: { role: string; mfaCode?: string; duration?: string }, cmd: Command) => {
      const mfa = parseMfaFlag(raw.mfaCode);
      const options: LoginOptions = {
        role: parseRole(raw.role),
        mfa,
        durationSeconds:
          raw.duration === undefined ? undefined : parseDurationSeconds(raw.duration, "duration"),
      };
      return ctx.run(cmd, invocation("login", options, login, renderLogin));
    });
}
