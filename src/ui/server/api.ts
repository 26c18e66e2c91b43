import { access } from "../../cli/commands/access.js";
import { alarms } from "../../cli/commands/alarms.js";
import { audit } from "../../cli/commands/audit.js";
import { presign } from "../../cli/commands/presign.js";
import { restore } from "../../cli/commands/restore.js";
import { rm } from "../../cli/commands/rm.js";
import { versions } from "../../cli/commands/versions.js";
import { AUDIT_QUERIES } from "../../core/audit/audit.js";
import { StrongboxError } from "../../core/errors.js";
import { ROLES } from "../../core/roles.js";
import * as z from "../../core/schema.js";
import { assumeRoleSession } from "../../core/session/assume.js";
import { mfaSessionCacheOf } from "../../core/session/cache.js";
import type { Transport } from "../../core/transfer/transport.js";
import { abortPendingUpload, browse, listPendingUploads } from "./browse.js";
import { catalogOf, commandDeps, loggingPresigner, sessionOf, type UiContext } from "./context.js";
import { unsignedForLog } from "./guard.js";
import {
  completeInput,
  signPartInput,
  signPutInput,
  startInput,
  uploadApi,
  uploadRef,
} from "./uploads.js";

const role = z.enum(ROLES);
const key = z.string().check(z.minLength(1), z.maxLength(1024));
const versionId = z.string().check(z.minLength(1), z.maxLength(1024));

export interface Route {
  method: "GET" | "POST";
  input: z.ZodMiniType;
  run(input: never, signal: AbortSignal): Promise<unknown>;
}

const route = <S extends z.ZodMiniType>(
  method: "GET" | "POST",
  input: S,
  run: (input: z.infer<S>, signal: AbortSignal) => Promise<unknown>,
): Route => ({ method, input, run: run as Route["run"] });

/** RFC 6266 attachment header for a key's last segment (any character survives). */
export function attachment(objectKey: string): string {
  const name = objectKey.split("/").pop() || "download";
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/** Every API route of the page, keyed "METHOD /api/name". Each calls the CLI's own code. */
export function apiRoutes(
  ctx: UiContext,
  transport: Transport,
  opts: { urlLifetimeSeconds: number; bucketOrigin: string },
): Map<string, Route> {
  const uploads = uploadApi(ctx, transport, opts.urlLifetimeSeconds);
  const deps = (signal: AbortSignal) => commandDeps(ctx, signal);
  const routes: [string, Route][] = [
    [
      "state",
      route("GET", z.object({}), async () => {
        const sessions = await Promise.all(
          ROLES.map(async (r) => {
            const d = await ctx.cache.lookup(r, ctx.config.roles[r]);
            const expiresAt = d.use ? d.session.credentials.expiration : d.expiredAt;
            return {
              role: r,
              usable: d.use,
              reason: d.reason,
              expiresAt: expiresAt?.toISOString(),
              mfa: d.use ? d.session.mfaAuthenticated : false,
            };
          }),
        );
        return {
          bucket: ctx.config.bucket,
          region: ctx.config.region,
          adminMfaRequired: ctx.config.adminMfaRequired,
          maxSessionSeconds: ctx.config.maxSessionSeconds,
          bucketOrigin: opts.bucketOrigin,
          now: new Date(ctx.now()).toISOString(),
          sessions,
          auditQueries: AUDIT_QUERIES,
        };
      }),
    ],
    [
      "login",
      route(
        "POST",
        z.object({
          role,
          mfaCode: z.optional(z.string().check(z.regex(/^\d{6}$/, "an MFA code is 6 digits"))),
          profile: z.optional(z.string().check(z.regex(/^[\w.@-]{1,64}$/, "an AWS profile name"))),
        }),
        async (input, signal) => {
          const session = await assumeRoleSession({
            config: ctx.config,
            role: input.role,
            profile: input.profile ?? ctx.profile,
            mfaOffered: input.mfaCode !== undefined,
            mfaCode: async (_serial, why) => {
              if (input.mfaCode !== undefined) return input.mfaCode;
              throw new StrongboxError("credentials", `${why}: an MFA code is needed`, {
                hint: "type the 6 digits your device shows",
              });
            },
            // The same MFA sessions as `strongbox login`: a code serves every sign-in while it lives.
            mfaCache: mfaSessionCacheOf({ sessionsDir: ctx.cache.dir }, ctx.now),
            now: ctx.now,
            signal,
          });
          await ctx.cache.write(session);
          ctx.log(
            `signed in as ${session.role} until ${session.credentials.expiration.toISOString()}`,
          );
          return { role: session.role, expiresAt: session.credentials.expiration.toISOString() };
        },
      ),
    ],
    [
      "logout",
      route("POST", z.object({ role }), async (input) => ({
        removed: await ctx.cache.delete(input.role),
      })),
    ],
    [
      "browse",
      route(
        "GET",
        z.object({
          role,
          prefix: z._default(z.string().check(z.maxLength(1024)), ""),
          next: z.optional(z.string().check(z.maxLength(4096))),
          pageSize: z._default(
            z.pipe(z.coerce.number(), z.int().check(z.minimum(1), z.maximum(1000))),
            100,
          ),
        }),
        async (input) => {
          const { catalog } = await catalogOf(ctx, input.role);
          return browse(catalog, input.prefix, input.pageSize, input.next);
        },
      ),
    ],
    [
      "versions",
      route("GET", z.object({ role, key }), (input, signal) =>
        versions({ key: input.key, role: input.role }, deps(signal)),
      ),
    ],
    [
      "download",
      route("POST", z.object({ role, key, versionId: z.optional(versionId) }), async (input) => {
        const session = await sessionOf(ctx, input.role);
        const signed = await loggingPresigner(ctx, session).sign({
          method: "GET",
          key: input.key,
          query: {
            "response-content-disposition": attachment(input.key),
            ...(input.versionId === undefined ? {} : { versionId: input.versionId }),
          },
          expiresInSeconds: opts.urlLifetimeSeconds,
        });
        return { url: signed.url, expiresAt: signed.expiresAt.toISOString() };
      }),
    ],
    [
      "share",
      route(
        "POST",
        z.object({
          role,
          key,
          expiresInSeconds: z.int().check(z.minimum(60), z.maximum(7 * 24 * 3600)),
        }),
        async (input, signal) => {
          const result = await presign(
            {
              method: "get",
              key: input.key,
              expiresInSeconds: input.expiresInSeconds,
              role: input.role,
            },
            deps(signal),
          );
          ctx.signed.push({
            at: new Date(ctx.now()).toISOString(),
            role: result.role,
            method: "GET",
            url: unsignedForLog(result.url),
            expiresAt: result.expiresAt.toISOString(),
          });
          ctx.log(
            `signed share link GET ${unsignedForLog(result.url)} (${result.role}, until ${result.expiresAt.toISOString()})`,
          );
          return {
            url: result.url,
            expiresAt: result.expiresAt.toISOString(),
            clamped: result.clamped,
          };
        },
      ),
    ],
    ["upload/start", route("POST", startInput, (input) => uploads.start(input))],
    ["upload/sign-put", route("POST", signPutInput, (input) => uploads.signPut(input))],
    ["upload/sign-part", route("POST", signPartInput, (input) => uploads.signPart(input))],
    ["upload/list-parts", route("POST", uploadRef, (input) => uploads.listParts(input))],
    ["upload/complete", route("POST", completeInput, (input) => uploads.complete(input))],
    ["upload/abort", route("POST", uploadRef, (input) => uploads.abort(input))],
    [
      "rm",
      route("POST", z.object({ role, key, versionId: z.optional(versionId) }), (input, signal) =>
        // The page's own button is the consent; nothing here is a dry run.
        rm(
          {
            key: input.key,
            versionId: input.versionId,
            role: input.role,
            yes: true,
            dryRun: false,
          },
          deps(signal),
        ),
      ),
    ],
    [
      "restore",
      route("POST", z.object({ role, key, versionId }), (input, signal) =>
        restore(
          { key: input.key, versionId: input.versionId, role: input.role, dryRun: false },
          deps(signal),
        ),
      ),
    ],
    [
      "undelete",
      route("POST", z.object({ role, key }), async (input, signal) => {
        const listed = await versions({ key: input.key, role: input.role }, deps(signal));
        const latest = listed.versions[0];
        if (latest === undefined || !latest.deleteMarker) {
          throw new StrongboxError("usage", `${input.key} is not deleted`);
        }
        const content = listed.versions.find((v) => !v.deleteMarker);
        if (content === undefined) {
          throw new StrongboxError("not-found", `${input.key} has no version to bring back`);
        }
        return restore(
          { key: input.key, versionId: content.versionId, role: input.role, dryRun: false },
          deps(signal),
        );
      }),
    ],
    [
      "pending-uploads",
      route("GET", z.object({ role }), async (input) => {
        const { catalog } = await catalogOf(ctx, input.role);
        return { uploads: await listPendingUploads(catalog) };
      }),
    ],
    [
      "pending-uploads/abort",
      route(
        "POST",
        z.object({ role, key, uploadId: z.string().check(z.minLength(1)) }),
        async (input) => {
          const { catalog } = await catalogOf(ctx, input.role);
          await abortPendingUpload(catalog, input.key, input.uploadId);
          return { aborted: true };
        },
      ),
    ],
    [
      "audit",
      route(
        "GET",
        z.object({
          query: z.enum(AUDIT_QUERIES),
          since: z._default(z.string().check(z.maxLength(64)), "24h"),
        }),
        (input, signal) =>
          audit(
            {
              query: input.query,
              since: input.since,
              key: undefined,
              principal: undefined,
              limit: 200,
              timeoutSeconds: 120,
            },
            deps(signal),
          ),
      ),
    ],
    ["alarms", route("GET", z.object({}), (_input, signal) => alarms({}, deps(signal)))],
    [
      "access",
      route("GET", z.object({}), (_input, signal) => access({ engine: "auto" }, deps(signal))),
    ],
    ["signed-log", route("GET", z.object({}), async () => ({ entries: ctx.signed.slice(-200) }))],
  ];
  return new Map(routes.map(([name, r]) => [`${r.method} /api/${name}`, r]));
}
