import { StrongboxError } from "../../core/errors.js";
/** The module's default: cors_allowed_origins = ["http://127.0.0.1:8787", …]. */
export const DEFAULT_UI_PORT = 8787;
/** Ports of the http://127.0.0.1:<port> origins the bucket's CORS rule allows. */
export function allowedPorts(origins) {
    return origins.flatMap((origin) => {
        const m = /^http:\/\/127\.0\.0\.1:(\d{1,5})$/.exec(origin);
        return m ? [Number(m[1])] : [];
    });
}
/**
 * The port `strongbox ui` listens on: the one the deployment's CORS rule names
 * (the config written by `strongbox configure`), or the one asked for when the
 * rule allows it. A disagreement is an error that says what to change: the
 * browser could not reach the bucket from any other origin.
 */
export function choosePort(origins, wanted) {
    if (origins === undefined) {
        return {
            port: wanted ?? DEFAULT_UI_PORT,
            note: "the config does not say which origins the bucket's CORS rule allows (written by an older `strongbox configure`); assuming the module's default http://127.0.0.1:8787 — run `strongbox configure --from-terraform DIR` again to be sure",
        };
    }
    const ports = allowedPorts(origins);
    if (ports.length === 0) {
        throw new StrongboxError("usage", `the bucket's CORS rule allows no http://127.0.0.1:<port> origin (${origins.length === 0 ? "CORS is off" : origins.join(", ")}), so a page on this machine cannot reach it`, {
            hint: `add "http://127.0.0.1:${wanted ?? DEFAULT_UI_PORT}" to the module's cors_allowed_origins, apply, then run \`strongbox configure --from-terraform DIR\` again`,
        });
    }
    if (wanted === undefined)
        return { port: ports[0] };
    if (ports.includes(wanted))
        return { port: wanted };
    throw new StrongboxError("usage", `port ${wanted} is not one the bucket's CORS rule allows (${ports.map((p) => `http://127.0.0.1:${p}`).join(", ")}): the browser could not send bytes to S3 from it`, {
        hint: `use --port ${ports[0]}, or add "http://127.0.0.1:${wanted}" to the module's cors_allowed_origins, apply, and run \`strongbox configure --from-terraform DIR\` again`,
    });
}
