import { cachedRoleSession, latestRoleSession, sessionNeededError, } from "./cache.js";
/**
 * The role session a data command runs with: the cached session of `role`
 * when given, else the most recently logged-in valid one. Data commands never
 * assume a role themselves (that may need MFA): on a miss the inner provider
 * explains that `strongbox login --role R` is needed (exit 5).
 */
export function sessionForCommand(opts) {
    const { cache, config, role, onDecision } = opts;
    if (role === undefined)
        return latestRoleSession(cache, config.roles, onDecision);
    return cachedRoleSession({
        cache,
        role,
        roleArn: config.roles[role],
        inner: async (miss) => {
            throw sessionNeededError(miss, cache.now);
        },
        ...(onDecision === undefined ? {} : { onDecision }),
    });
}
