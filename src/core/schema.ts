/**
 * Zod, as every schema here uses it: its tree-shakable API (`zod/mini`) with
 * the English messages of the chaining API. Import it as `* as z` and use
 * only `z.name` accesses, so the bundle keeps only what the schemas use.
 */
import { config } from "zod/mini";
import en from "zod/v4/locales/en.js";

config(en());

export * from "zod/mini";
