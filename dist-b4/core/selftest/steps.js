import { alarmSteps } from "./alarm-steps.js";
import { cleanUpStep, deleteStep, readSteps, uploadStep } from "./data-steps.js";
import { refusalSteps } from "./refusals.js";
/**
 * The steps of `strongbox selftest`, in the order they run: the data path,
 * the refusals, the delete, monitoring, clean-up. Each group lives in its own
 * file; later steps read what earlier ones left in `env.state`.
 */
export function selftestSteps() {
    return [uploadStep, ...readSteps, ...refusalSteps(), deleteStep, ...alarmSteps, cleanUpStep];
}
export { failedUploadsAlarmOf } from "./alarm-steps.js";
export { EMULATOR_GAPS } from "./env.js";
