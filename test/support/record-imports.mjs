// Registered with `node --import`: prints every module specifier resolved, one per line, on fd 3... simpler: to a file.
import { register } from "node:module";

register(
  "data:text/javascript," +
    encodeURIComponent(`
import { appendFileSync } from "node:fs";
export async function resolve(specifier, context, next) {
  const out = await next(specifier, context);
  if (process.env.RECORD_IMPORTS) appendFileSync(process.env.RECORD_IMPORTS, out.url + "\\n");
  return out;
}`),
);
