import { sessionGuard } from "./session-guard.js";
/**
 * The request context of one transfer. Refuses to start on a session about to
 * end, and checks the session again before every request.
 */
export function transferContext(deps, bucket, clock) {
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
