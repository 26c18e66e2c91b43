import { sessionsDirOf } from "../../core/config.js";
import { StrongboxError } from "../../core/errors.js";
import { assumeRoleSession } from "../../core/session/assume.js";
import { SessionCache } from "../../core/session/cache.js";
import { type SessionSummary, summarizeSession } from "../../core/session/types.js";
import type { LoginOptions } from "../args.js";
import type { CommandDeps } from "../context.js";
import { formatDuration, formatTime } from "../render.js";

export interface LoginResult extends SessionSummary {
  cachePath: string;
}

/** Always assumes the role afresh (an explicit login), then caches the session. */
export async function login(options: LoginOptions, deps: CommandDeps): Promise<LoginResult> {
  const config = await deps.config();
  const code = options.mfaCode;
  const session = await assumeRoleSession({
    config,
    role: options.role,
    profile: deps.globals.profile,
    durationSeconds: options.durationSeconds,
    mfaOffered: code !== undefined,
    mfaCode: async (serial) => {
      if (code !== undefined) return code;
      if (deps.prompt === undefined) {
        throw new StrongboxError(
          "credentials",
          `role ${options.role} needs MFA: pass --mfa-code NNNNNN`,
          {
            hint: "no terminal to prompt on",
          },
        );
      }
      const typed = (await deps.prompt(`MFA code for ${serial}: `)).trim();
      if (!/^\d{6}$/.test(typed)) {
        throw new StrongboxError("usage", "an MFA code is the 6 digits shown by your device");
      }
      return typed;
    },
    ...(deps.prompt === undefined
      ? {}
      : {
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
  const cache = new SessionCache(sessionsDirOf(deps.globals.configPath), deps.now);
  const cachePath = await cache.write(session);
  deps.log.debug(`session cached in ${cachePath}`);
  return { ...summarizeSession(session, deps.now()), cachePath };
}

export const renderLogin = (r: LoginResult): string =>
  `logged in as ${r.role} (${r.sourceIdentity}${r.mfa ? ", MFA" : ""}) until ${formatTime(r.expiration)} (${formatDuration(r.remainingSeconds)})`;
