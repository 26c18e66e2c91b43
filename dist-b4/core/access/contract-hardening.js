import { ROLES } from "../roles.js";
import { CREATE_ONLY_WRITERS, } from "./contract-table.js";
import { trustCells } from "./contract-trust.js";
const ARCHIVE_CLASSES = ["GLACIER", "DEEP_ARCHIVE"];
/** The action, resource and IAM operation of each monitoring change the roles are denied. */
function monitoringChanges(t) {
    const m = t.monitoring;
    if (m === undefined)
        return [];
    const changes = [
        ["logs:DeleteLogGroup", "DeleteLogGroup", m.logGroupArn],
        ["logs:PutRetentionPolicy", "PutRetentionPolicy", m.logGroupArn],
        ["logs:DeleteMetricFilter", "DeleteMetricFilter", m.logGroupArn],
        ["s3:PutBucketNotification", "PutBucketNotificationConfiguration", t.bucketArn],
        ["s3:PutReplicationConfiguration", "PutBucketReplication", t.bucketArn],
    ];
    if (m.trailArn !== undefined) {
        changes.push(["cloudtrail:StopLogging", "StopLogging", m.trailArn], ["cloudtrail:DeleteTrail", "DeleteTrail", m.trailArn], ["cloudtrail:PutEventSelectors", "PutEventSelectors", m.trailArn]);
    }
    if (m.alarmArn !== undefined) {
        changes.push(["cloudwatch:DeleteAlarms", "DeleteAlarms", m.alarmArn], ["cloudwatch:DisableAlarmActions", "DisableAlarmActions", m.alarmArn]);
    }
    if (m.eventRuleArn !== undefined) {
        changes.push(["events:DisableRule", "DisableRule", m.eventRuleArn], ["events:RemoveTargets", "RemoveTargets", m.eventRuleArn]);
    }
    for (const topic of m.topicArns ?? []) {
        const name = topic.slice(topic.lastIndexOf(":") + 1);
        changes.push(["sns:DeleteTopic", `DeleteTopic ${name}`, topic], ["sns:SetTopicAttributes", `SetTopicAttributes ${name}`, topic], ["sns:Unsubscribe", `Unsubscribe ${name}`, topic]);
    }
    return changes;
}
/** Every hardening cell of one deployment. */
export function hardeningCells(t) {
    const cells = [];
    const put = (capability, role, variant, extra, expected, operations = ["PutObject", "CompleteMultipartUpload"], explicitDeny = expected === "deny") => cells.push({
        capability,
        role,
        operations,
        action: "s3:PutObject",
        resource: t.objectArn,
        variant,
        context: { ...t.s3Context(role), ...extra },
        expected,
        explicitDeny,
    });
    // What each role's ordinary create looks like: the Uploader's carries If-None-Match: *.
    const create = (role) => ({
        "s3:ObjectCreationOperation": "true",
        ...(CREATE_ONLY_WRITERS.includes(role) ? { "s3:if-none-match": "*" } : {}),
    });
    for (const role of ROLES) {
        if (t.writers[role]) {
            // Create-only writes: the Uploader replaces nothing unless allowed.
            put("overwrite", role, "create-only", { "s3:ObjectCreationOperation": "true", "s3:if-none-match": "*" }, "allow");
            put("overwrite", role, "overwrite", { "s3:ObjectCreationOperation": "true" }, CREATE_ONLY_WRITERS.includes(role) && !t.uploaderCanOverwrite ? "deny" : "allow");
            put("overwrite", role, "multipart-step", { "s3:ObjectCreationOperation": "false" }, "allow", [
                "CreateMultipartUpload",
                "UploadPart",
            ]);
            put("archive", role, "storage-class-STANDARD_IA", { ...create(role), "s3:x-amz-storage-class": "STANDARD_IA" }, "allow");
            put("sseC", role, "sse-c-multipart-step", {
                "s3:ObjectCreationOperation": "false",
                "s3:x-amz-server-side-encryption-customer-algorithm": "AES256",
            }, "deny", ["CreateMultipartUpload", "UploadPart"]);
        }
        if (!t.writers[role]) {
            // Not a writer: no write at all, overwrite or not.
            const operations = ["PutObject", "CompleteMultipartUpload"];
            put("overwrite", role, "overwrite", { "s3:ObjectCreationOperation": "true" }, "deny", operations, false);
        }
        // Refused for every role, explicitly: a later grant cannot open them.
        put("sseC", role, "sse-c", { ...create(role), "s3:x-amz-server-side-encryption-customer-algorithm": "AES256" }, "deny");
        for (const storageClass of ARCHIVE_CLASSES) {
            put("archive", role, `storage-class-${storageClass}`, { ...create(role), "s3:x-amz-storage-class": storageClass }, t.archiveStorageClassesAllowed && t.writers[role] ? "allow" : "deny");
        }
        // A permanent delete needs a fresh MFA: a stale one is refused by a Deny.
        cells.push({
            capability: "staleMfa",
            role,
            operations: ["DeleteObject (versionId)"],
            action: "s3:DeleteObjectVersion",
            resource: t.objectArn,
            variant: "stale-mfa",
            context: {
                ...t.s3Context(role, "s3:DeleteObjectVersion"),
                "aws:MultiFactorAuthPresent": "true",
                "aws:MultiFactorAuthAge": String(t.adminMfaMaxAgeSeconds + 60),
            },
            expected: "deny",
            explicitDeny: true,
        });
        for (const [action, operation, resource] of monitoringChanges(t)) {
            cells.push({
                capability: "monitoring",
                role,
                operations: [operation],
                action,
                resource,
                variant: operation.includes(" ") ? operation.slice(operation.indexOf(" ") + 1) : "",
                context: action.startsWith("s3:") ? t.s3Context(role, action) : t.sessionContext(role),
                expected: "deny",
                explicitDeny: true,
            });
        }
        if (t.trust !== undefined)
            cells.push(...trustCells(t, t.trust, role));
    }
    return cells;
}
