/** " on s3://bucket/key (version v)", or "" when the request named nothing. */
export function target(ctx) {
    if (ctx.key === undefined)
        return ctx.bucket === undefined ? "" : ` on s3://${ctx.bucket}`;
    const where = ctx.bucket === undefined ? ctx.key : `s3://${ctx.bucket}/${ctx.key}`;
    return ` on ${where}${ctx.versionId === undefined ? "" : ` (version ${ctx.versionId})`}`;
}
export const loginHint = (role) => `log in again: \`strongbox login --role ${role ?? "uploader|viewer|admin"}\``;
