import { skipped } from "./runner.js";
/** What the emulator (moto) cannot show, said once and used by every step it affects. */
export const EMULATOR_GAPS = {
    iam: "the emulator (moto) evaluates no IAM or key policy and no bucket-policy condition faithfully, so a refusal there would prove nothing; the refusals are proven locally by `strongbox access` (policy evaluation) and the MinIO lane",
    trail: "the emulator (moto) records no CloudTrail events into CloudWatch Logs, so no metric filter counts and no alarm can fire from real activity",
    insights: "the emulator (moto) has no Logs Insights saved queries and ignores filter/stats, so the audit query cannot be checked there",
    history: "the emulator (moto) records no alarm action history",
};
export const prefixOf = (env) => `strongbox-selftest/${env.runId}/`;
/** The role's session, or the step's "skipped" saying which login is missing. */
export function sessionOr(env, role) {
    const session = env.sessions[role];
    if (session !== undefined)
        return session;
    return skipped(env.sessionProblems[role] ?? `no ${role} session: run \`strongbox login --role ${role}\` first`);
}
export const isOutcome = (value) => "status" in value;
/** The object the upload step stored, or the step's "skipped" when it did not pass. */
export function needsUpload(env) {
    const { key, body } = env.state;
    if (key === undefined || body === undefined) {
        return skipped("needs the object from the upload step, which did not pass");
    }
    return { key, body };
}
/** A step run as one role: skipped, saying which login is missing, without its session. */
export function roleStep(name, proves, role, run) {
    return {
        name,
        proves,
        async run(env) {
            const session = sessionOr(env, role);
            return isOutcome(session) ? session : run(env, session);
        },
    };
}
/** A step on the uploaded object, run as one role: skipped without the object or the session. */
export function objectStep(name, proves, role, run) {
    return {
        name,
        proves,
        async run(env) {
            const uploaded = needsUpload(env);
            if (isOutcome(uploaded))
                return uploaded;
            const session = sessionOr(env, role);
            return isOutcome(session) ? session : run(env, session, uploaded);
        },
    };
}
