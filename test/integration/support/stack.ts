import { readFileSync } from "node:fs";
import { join } from "node:path";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";

/** `tofu output -json` of infra/envs/local: every output with its value. */
export type TerraformOutputs = Record<string, { value: unknown; sensitive: boolean }>;

export interface DemoPrincipal {
  user_arn: string;
  access_key_id: string;
  secret_access_key: string;
}

export interface TestStack {
  /** The stack's state directory (config.json, env, aws-config, aws-credentials, outputs.json). */
  dir: string;
  /** The moto server the stack was applied to. */
  endpoint: string;
  outputs: TerraformOutputs;
  configPath: string;
  envFile: string;
  awsConfigFile: string;
  awsCredentialsFile: string;
  demoPrincipals: Record<"uploader" | "viewer" | "admin", DemoPrincipal>;
  /** Environment for a child `strongbox` process pointed at this stack. */
  env: NodeJS.ProcessEnv;
}

/**
 * The Terraform-applied local stack that scripts/test.sh brings up before the
 * integration tests. Run them through `npm test`; alone, set
 * STRONGBOX_TEST_STACK_DIR and STRONGBOX_TEST_ENDPOINT to a stack you applied.
 */
export function loadTestStack(): TestStack {
  const dir = process.env.STRONGBOX_TEST_STACK_DIR;
  const endpoint = process.env.STRONGBOX_TEST_ENDPOINT;
  if (!dir || !endpoint) {
    throw new Error(
      "integration tests need the local stack: run `npm test` (or set STRONGBOX_TEST_STACK_DIR and STRONGBOX_TEST_ENDPOINT)",
    );
  }
  const outputs = JSON.parse(readFileSync(join(dir, "outputs.json"), "utf8")) as TerraformOutputs;
  const demo = outputs.demo_principals?.value as TestStack["demoPrincipals"] | undefined;
  if (!demo) throw new Error(`outputs.json in ${dir} has no demo_principals output`);
  const stack = {
    dir,
    endpoint,
    outputs,
    configPath: join(dir, "config.json"),
    envFile: join(dir, "env"),
    awsConfigFile: join(dir, "aws-config"),
    awsCredentialsFile: join(dir, "aws-credentials"),
    demoPrincipals: demo,
  };
  return {
    ...stack,
    env: {
      ...process.env,
      STRONGBOX_CONFIG: stack.configPath,
      // Role sessions stay with the throwaway stack, not in the real home.
      STRONGBOX_STATE_DIR: join(dir, "state"),
      AWS_CONFIG_FILE: stack.awsConfigFile,
      AWS_SHARED_CREDENTIALS_FILE: stack.awsCredentialsFile,
      AWS_REGION: "us-east-1",
    },
  };
}

/** One output's value, failing loudly when Terraform did not produce it. */
export function outputValue<T>(stack: TestStack, name: string): T {
  const output = stack.outputs[name];
  if (!output) throw new Error(`terraform output ${name} is missing`);
  return output.value as T;
}

/**
 * A role session of the stack, as a demo principal assumes it through the
 * stack's STS: temporary credentials with their expiration.
 */
export async function assumeStackRole(
  stack: TestStack,
  config: { region: string; roles: Record<"uploader" | "viewer" | "admin", string> },
  role: "uploader" | "viewer" | "admin",
  sessionName: string,
) {
  const principal = stack.demoPrincipals[role];
  const sts = new STSClient({
    region: config.region,
    endpoint: stack.endpoint,
    credentials: {
      accessKeyId: principal.access_key_id,
      secretAccessKey: principal.secret_access_key,
    },
  });
  try {
    const { Credentials: c } = await sts.send(
      new AssumeRoleCommand({
        RoleArn: config.roles[role],
        RoleSessionName: sessionName,
        DurationSeconds: 3600,
      }),
    );
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration)
      throw new Error(`the stack's AssumeRole for ${role} returned no credentials`);
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
      expiration: c.Expiration,
    };
  } finally {
    sts.destroy();
  }
}
