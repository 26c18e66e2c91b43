import { GetPolicyCommand, GetPolicyVersionCommand, GetRoleCommand, GetRolePolicyCommand, ListAttachedRolePoliciesCommand, ListRolePoliciesCommand, } from "@aws-sdk/client-iam";
import { GetKeyPolicyCommand } from "@aws-sdk/client-kms";
import { GetBucketPolicyCommand } from "@aws-sdk/client-s3";
import { StrongboxError } from "../errors.js";
import { ROLES } from "../roles.js";
import { roleNameOf } from "./contract.js";
/** IAM returns policy documents URL-encoded (RFC 3986); other readers return plain JSON. */
export function parsePolicyDocument(text, where) {
    const attempts = [text];
    if (/^\s*%7B/i.test(text))
        attempts.unshift(decodeURIComponent(text));
    for (const attempt of attempts) {
        try {
            const parsed = JSON.parse(attempt);
            if (parsed && typeof parsed === "object" && "Statement" in parsed)
                return parsed;
        }
        catch {
            // try the next form
        }
    }
    throw new StrongboxError("failed", `The ${where} is not a readable policy document.`);
}
const errorName = (error) => typeof error === "object" && error !== null && "name" in error ? String(error.name) : "";
async function readRolePolicies(iam, role, roleArn) {
    const RoleName = roleNameOf(roleArn);
    const identity = [];
    let marker;
    do {
        const page = await iam.send(new ListRolePoliciesCommand({ RoleName, Marker: marker }));
        for (const PolicyName of page.PolicyNames ?? []) {
            const inline = await iam.send(new GetRolePolicyCommand({ RoleName, PolicyName }));
            identity.push({
                name: `${RoleName}:inline:${PolicyName}`,
                document: parsePolicyDocument(inline.PolicyDocument ?? "", `inline policy ${PolicyName} of ${role}`),
            });
        }
        marker = page.IsTruncated ? page.Marker : undefined;
    } while (marker !== undefined);
    const managed = async (PolicyArn, what) => {
        const policy = await iam.send(new GetPolicyCommand({ PolicyArn }));
        const VersionId = policy.Policy?.DefaultVersionId;
        if (VersionId === undefined) {
            throw new StrongboxError("failed", `The ${what} ${PolicyArn} has no default version.`);
        }
        const version = await iam.send(new GetPolicyVersionCommand({ PolicyArn, VersionId }));
        return {
            name: PolicyArn,
            document: parsePolicyDocument(version.PolicyVersion?.Document ?? "", `${what} ${PolicyArn}`),
        };
    };
    marker = undefined;
    do {
        const page = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName, Marker: marker }));
        for (const attached of page.AttachedPolicies ?? []) {
            if (attached.PolicyArn)
                identity.push(await managed(attached.PolicyArn, "managed policy"));
        }
        marker = page.IsTruncated ? page.Marker : undefined;
    } while (marker !== undefined);
    const described = await iam.send(new GetRoleCommand({ RoleName }));
    const boundaryArn = described.Role?.PermissionsBoundary?.PermissionsBoundaryArn;
    const boundary = boundaryArn === undefined ? undefined : await managed(boundaryArn, "permissions boundary");
    const trustText = described.Role?.AssumeRolePolicyDocument;
    const trust = trustText === undefined ? undefined : parsePolicyDocument(trustText, `trust policy of ${role}`);
    return { identity, boundary, trust };
}
export async function readBucketPolicy(s3, Bucket) {
    try {
        const response = await s3.send(new GetBucketPolicyCommand({ Bucket }));
        return response.Policy === undefined
            ? undefined
            : parsePolicyDocument(response.Policy, `bucket policy of ${Bucket}`);
    }
    catch (error) {
        if (errorName(error) === "NoSuchBucketPolicy")
            return undefined;
        throw error;
    }
}
export async function readKeyPolicy(kms, KeyId) {
    const response = await kms.send(new GetKeyPolicyCommand({ KeyId, PolicyName: "default" }));
    return parsePolicyDocument(response.Policy ?? "", `key policy of ${KeyId}`);
}
/** Every policy that decides the roles' access, as the account holds it now. */
export async function readDeployedPolicies(readers, deployment) {
    const identityPolicies = {};
    const permissionBoundaries = {};
    const trustPolicies = {};
    for (const role of ROLES) {
        const { identity, boundary, trust } = await readRolePolicies(readers.iam, role, deployment.roleArns[role]);
        identityPolicies[role] = identity;
        if (boundary !== undefined)
            permissionBoundaries[role] = boundary;
        if (trust !== undefined)
            trustPolicies[role] = trust;
    }
    return {
        accountId: deployment.accountId,
        identityPolicies,
        permissionBoundaries,
        bucketPolicy: await readBucketPolicy(readers.s3, deployment.bucketName),
        keyPolicy: await readKeyPolicy(readers.kms, deployment.kmsKeyArn),
        trustPolicies,
    };
}
