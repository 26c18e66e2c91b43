/**
 * The slice of CloudWatch Logs that audit needs, as a plain interface so the
 * polling logic can be tested with a fake clock and a scripted API
 * (src/core/audit/aws.ts adapts the SDK client to it).
 */
/** Time and sleeping, injectable so tests run polling without waiting (one type for all of core). */
export { systemClock } from "../clock.js";
