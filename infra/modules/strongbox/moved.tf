# The two log buckets used to be seven resources each in storage.tf and
# trail.tf; they are now the log-bucket module, called twice. These blocks move
# an existing deployment's state to the new addresses, so `apply` keeps the
# buckets (and the logs in them) instead of destroying and recreating them.
# Keep them as long as a deployment from before the move may still exist.

moved {
  from = aws_s3_bucket.access_logs
  to   = module.access_log_bucket.aws_s3_bucket.this
}

moved {
  from = aws_s3_bucket_public_access_block.access_logs
  to   = module.access_log_bucket.aws_s3_bucket_public_access_block.this
}

moved {
  from = aws_s3_bucket_ownership_controls.access_logs
  to   = module.access_log_bucket.aws_s3_bucket_ownership_controls.this
}

moved {
  from = aws_s3_bucket_versioning.access_logs
  to   = module.access_log_bucket.aws_s3_bucket_versioning.this
}

moved {
  from = aws_s3_bucket_server_side_encryption_configuration.access_logs
  to   = module.access_log_bucket.aws_s3_bucket_server_side_encryption_configuration.this
}

moved {
  from = aws_s3_bucket_policy.access_logs
  to   = module.access_log_bucket.aws_s3_bucket_policy.this
}

moved {
  from = aws_s3_bucket_lifecycle_configuration.access_logs
  to   = module.access_log_bucket.aws_s3_bucket_lifecycle_configuration.this
}

moved {
  from = aws_s3_bucket.trail_logs
  to   = module.trail_log_bucket.aws_s3_bucket.this
}

moved {
  from = aws_s3_bucket_public_access_block.trail_logs
  to   = module.trail_log_bucket.aws_s3_bucket_public_access_block.this
}

moved {
  from = aws_s3_bucket_ownership_controls.trail_logs
  to   = module.trail_log_bucket.aws_s3_bucket_ownership_controls.this
}

moved {
  from = aws_s3_bucket_versioning.trail_logs
  to   = module.trail_log_bucket.aws_s3_bucket_versioning.this
}

moved {
  from = aws_s3_bucket_server_side_encryption_configuration.trail_logs
  to   = module.trail_log_bucket.aws_s3_bucket_server_side_encryption_configuration.this
}

moved {
  from = aws_s3_bucket_policy.trail_logs
  to   = module.trail_log_bucket.aws_s3_bucket_policy.this
}

moved {
  from = aws_s3_bucket_lifecycle_configuration.trail_logs
  to   = module.trail_log_bucket.aws_s3_bucket_lifecycle_configuration.this
}

# The lifecycle configuration became optional (create_lifecycle_configurations);
# modules/log-bucket moves its own.
moved {
  from = aws_s3_bucket_lifecycle_configuration.main
  to   = aws_s3_bucket_lifecycle_configuration.main[0]
}

# The three topics and their policies became one for_each each (notifications.tf).

moved {
  from = aws_sns_topic.alerts
  to   = aws_sns_topic.this["alerts"]
}

moved {
  from = aws_sns_topic_policy.alerts
  to   = aws_sns_topic_policy.this["alerts"]
}

moved {
  from = aws_sns_topic.activity
  to   = aws_sns_topic.this["activity"]
}

moved {
  from = aws_sns_topic_policy.activity
  to   = aws_sns_topic_policy.this["activity"]
}

moved {
  from = aws_sns_topic.key_guard
  to   = aws_sns_topic.this["key_guard"]
}

moved {
  from = aws_sns_topic_policy.key_guard
  to   = aws_sns_topic_policy.this["key_guard"]
}
