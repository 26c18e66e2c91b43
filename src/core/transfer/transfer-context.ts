import type { Clock } from "../clock.js";
import type { CallContext } from "./s3-call.js";
import { sessionGuard } from "./session-guard.js";
import type { DownloadDeps } from "./transfer-types.js";

/**
 * The request context of one transfer. Refuses to start on a session about to
 * end, and checks the session again before every request.
 */
export function transferContext(deps: DownloadDeps, bucket: string, clock: Clock): CallContext {
  const guard = sessionGuard(deps.sessionExpiresAt, () => clock.now());
  guard.checkStart();
  return {
    presigner: deps.presigner,
    ...(deps.role ? { role: deps.role } : {}),
    bucket,
    transport: deps.transport,
    clock,
    ...(deps.signal ? { signal: deps.signal } : {}),
    ...(deps.retry ? { retry: deps.retry } : {}),
    ...(deps.random ? { random: deps.random } : {}),
    checkSession: guard.check,
  };
}
