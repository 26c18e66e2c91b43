import type { FaultBench } from "./fault-harness.js";
import type { ShimAction } from "./s3-shim.js";
import type { Direction } from "./toxiproxy.js";

/* Faults shared by the fault-table files: a throttled link, S3's SlowDown answer. */

/** For `bench`: a link throttled to `rate` KB/s in one direction, so a fault lands mid-part. */
export const throttleOf =
  (bench: FaultBench) =>
  (stream: Direction, rate = 3000) =>
  () =>
    bench.proxy.addToxic("slow", stream, { type: "bandwidth", attributes: { rate } });

export const SLOW_DOWN: ShimAction = {
  kind: "error",
  status: 503,
  code: "SlowDown",
  message: "Please reduce your request rate.",
};
