# Logs Insights saved queries on the trail's log group: what an Admin asks
# after an alarm, and what `strongbox audit` runs.
#
# "All activity for one key" is the `activity` query narrowed by the CLI:
# `strongbox audit activity --key K` inserts `filter requestParameters.key = "K"`
# (K escaped as an Insights string literal) before the first stats/sort stage
# (src/core/audit/query-text.ts). So no query holds a placeholder to template:
# each runs as saved in the console too, and `--principal` narrows any of them
# the same way. Every query filters raw CloudTrail fields before it aggregates.
#
# Also here: the Admin role's audit-read permissions (joined into its policy by iam.tf).

locals {
  main_bucket_s3_filter = "eventSource = \"s3.amazonaws.com\" and requestParameters.bucketName = \"${local.bucket_name}\""

  queries = {
    failed-uploads = join("\n", [
      "fields @timestamp, userIdentity.arn as principal, userIdentity.sessionContext.sourceIdentity as person, requestParameters.key as key, eventName, errorCode",
      "| filter ${local.main_bucket_s3_filter}",
      "| filter eventName in [${join(", ", [for n in local.upload_event_names : "\"${n}\""])}] and ispresent(errorCode)",
      "| stats count(*) as failures, latest(errorCode) as lastError, max(@timestamp) as lastSeen by principal, person, key",
      "| sort failures desc",
    ])

    denied = join("\n", [
      "fields @timestamp, userIdentity.arn as principal, userIdentity.sessionContext.sourceIdentity as person, sourceIPAddress as sourceIp, eventName",
      "| filter ${local.main_bucket_s3_filter}",
      "| filter errorCode like /^AccessDenied/",
      "| stats count(*) as denials, max(@timestamp) as lastSeen by principal, person, sourceIp",
      "| sort denials desc",
    ])

    activity = join("\n", [
      "fields @timestamp, eventName, userIdentity.arn as principal, userIdentity.sessionContext.sourceIdentity as person, sourceIPAddress as sourceIp, requestParameters.versionId as versionId, errorCode",
      "| filter ${local.main_bucket_s3_filter}",
      "| sort @timestamp desc",
    ])

    downloads = join("\n", [
      "fields @timestamp, userIdentity.arn as principal, userIdentity.sessionContext.sourceIdentity as person, requestParameters.key as key, additionalEventData.bytesTransferredOut as bytesOut",
      "| filter ${local.main_bucket_s3_filter}",
      "| filter eventName = \"GetObject\" and not ispresent(errorCode)",
      "| stats count(*) as downloads, sum(bytesOut) as bytes, max(@timestamp) as lastSeen by principal, person",
      "| sort downloads desc",
    ])

    sessions = join("\n", [
      "fields @timestamp, requestParameters.sourceIdentity as person, requestParameters.roleArn as role, userIdentity.arn as baseIdentity",
      "| filter eventSource = \"sts.amazonaws.com\" and eventName = \"AssumeRole\" and not ispresent(errorCode)",
      "| filter role in [${join(", ", [for arn in values(local.role_arns) : "\"${arn}\""])}]",
      "| stats count(*) as sessions, max(@timestamp) as lastSession by person, role, baseIdentity",
      "| sort lastSession desc",
    ])

    top-callers = join("\n", [
      "fields userIdentity.arn as principal, userIdentity.sessionContext.sourceIdentity as person",
      "| filter ${local.main_bucket_s3_filter}",
      "| stats count(*) as calls by principal, person",
      "| sort calls desc",
      "| limit 20",
    ])
  }

  query_names = { for name, _ in local.queries : name => "${var.name_prefix}/${name}" }

  # For iam.tf: the Admin reads the audit trail and sees the alarms.
  queries_role_statements = {
    admin = [
      {
        Sid    = "AuditQueryTrailLogGroup"
        Effect = "Allow"
        Action = ["logs:StartQuery", "logs:FilterLogEvents", "logs:GetLogEvents", "logs:DescribeLogStreams"]
        # Query and read APIs name the group with or without the trailing ":*".
        Resource = [local.trail_log_group_arn, "${local.trail_log_group_arn}:*"]
      },
      {
        Sid    = "AuditQueryResultsAndDefinitions"
        Effect = "Allow"
        # These actions take no resource: a query id, or the account's definitions.
        Action   = ["logs:GetQueryResults", "logs:StopQuery", "logs:DescribeQueries", "logs:DescribeQueryDefinitions"]
        Resource = ["*"]
      },
      {
        Sid    = "AuditAlarmStates"
        Effect = "Allow"
        # List calls are authorised against "alarm:*", so a name prefix cannot scope them;
        # GetMetricData (the selftest's delivery counts of SNS and EventBridge) takes no resource.
        Action   = ["cloudwatch:DescribeAlarms", "cloudwatch:DescribeAlarmHistory", "cloudwatch:GetMetricData"]
        Resource = ["*"]
      },
    ]
  }
}

resource "aws_cloudwatch_query_definition" "this" {
  for_each = var.emulator_workarounds.create_query_definitions ? local.queries : {}

  name            = local.query_names[each.key]
  log_group_names = [aws_cloudwatch_log_group.trail.name]
  query_string    = each.value
}
