/**
 * The AWS shared files as hints name them: the file the SDK actually reads,
 * $AWS_CONFIG_FILE / $AWS_SHARED_CREDENTIALS_FILE when set (and not empty,
 * as the SDK treats them), else ~/.aws/config / ~/.aws/credentials.
 */

export type AwsSharedFile = "config" | "credentials";

const VARIABLE: Record<AwsSharedFile, string> = {
  config: "AWS_CONFIG_FILE",
  credentials: "AWS_SHARED_CREDENTIALS_FILE",
};

export function awsSharedFileShown(
  file: AwsSharedFile,
  env: Readonly<Record<string, string | undefined>>,
): string {
  const set = env[VARIABLE[file]];
  return set !== undefined && set !== "" ? set : `~/.aws/${file}`;
}
