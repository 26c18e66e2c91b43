/**
 * Pure: S3's ListParts is the source of truth; the local record only vouches
 * for a part S3 holds when sizes and checksums (or ETags) agree. A part S3
 * doesn't have is sent, whatever the record says.
 */
export function reconcileParts(planned, serverParts, recorded) {
    const onServer = new Map(serverParts.map((p) => [p.number, p]));
    const inRecord = new Map(recorded.map((p) => [p.number, p]));
    const result = { done: [], verify: [], todo: [] };
    for (const part of planned) {
        const server = onServer.get(part.number);
        if (!server || server.size !== part.size) {
            result.todo.push(part);
            continue;
        }
        const local = inRecord.get(part.number);
        if (server.checksumSha256 !== undefined) {
            if (local && local.size === part.size && local.checksumSha256 === server.checksumSha256) {
                result.done.push({ ...local, etag: server.etag });
            }
            else {
                result.verify.push(server);
            }
        }
        else if (local && local.size === part.size && sameEtag(local.etag, server.etag)) {
            result.done.push({ ...local, etag: server.etag });
        }
        else {
            result.todo.push(part);
        }
    }
    return result;
}
const sameEtag = (a, b) => a.replace(/"/g, "") === b.replace(/"/g, "");
