import { assumeRoleSession } from "../../core/session/assume.js";
import { mfaSessionCacheOf, sessionCacheOf } from "../../core/session/cache.js";
import { type SessionSummary, summarizeSession } from "../../core/session/types.js";
import type { LoginOptions } from "../args.js";
import type { CommandDeps } from "../context.js";
import { askMfaCode, offeredMfaCode } from "../mfa-input.js";
import { formatDuration, formatTime } from "../render.js";

export interface LoginResult extends SessionSummary {
  cachePath: string;
}

/** Always assumes the role afresh (an explicit login), then caches the session. */
export async function login(options: LoginOptions, deps: CommandDeps): Promise<LoginResult> {
  const config = await deps.config();
  const offered = await offeredMfaCode(options.mfa, deps);
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
  });
  const cache = sessionCacheOf(deps.globals, deps.now);
  const cachePath = await cache.write(session);
  deps.log.debug(`session cached in ${cachePath}`);
  return { ...summarizeSession(session, deps.now()), cachePath };
}

export const renderLogin = (r: LoginResult): string =>
  `logged in as ${r.role} (${r.sourceIdentity}${r.mfa ? ", MFA" : ""}) until ${formatTime(r.expiration)} (${formatDuration(r.remainingSeconds)})`;
