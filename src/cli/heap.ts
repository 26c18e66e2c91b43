import { setFlagsFromString } from "node:v8";

/**
 * V8's garbage collector, set for the command about to run (measured in
 * bench/README.md, "Garbage collection"; issue 14's memory bar is 100 MiB for a
 * 2 GiB file). Flags set here apply to collections from now on; those V8 reads
 * only at start-up (concurrent marking, the old generation's initial size)
 * cannot be set from inside the process.
 */
export function tuneHeap(command: string | undefined): void {
  // The young generation stays at its initial size: a transfer allocates only
  // short-lived objects, and a grown young generation held 10–20 MiB more RSS.
  setFlagsFromString("--semi-space-growth-factor=1");
  // A download receives a new 64 KiB buffer per socket read. V8 counts that
  // memory, until a scavenge frees it, against the old generation's limit,
  // which it sets only ~10 MiB above a ~10 MiB live heap: a full collection
  // every ~16 MiB received (121 for 2 GiB), two thirds of it on helper threads.
  // A limit at 5× the live heap leaves room for the 32 MiB V8 lets young
  // buffers reach before it scavenges: 2–16 full collections for 2 GiB.
  if (command === "download") setFlagsFromString("--heap-growing-percent=400");
}

/**
 * One object downloaded (not a prefix): its socket reads are dead once hashed
 * and written, but freed only by a scavenge, which V8 starts as a task once the
 * young generation is 80 % full (one per ~12 MiB received). At 40 % a 2 GiB
 * download peaked at 84–97 MiB RSS against 94–105 (10 alternating rounds, the
 * same time). Not for a prefix: its many files' objects, scavenged twice as
 * often, reach the old generation sooner (1,000 files: 93–97 against 79–98 MiB).
 */
export function tuneHeapForOneObject(): void {
  setFlagsFromString("--minor-gc-task-trigger=40");
}
