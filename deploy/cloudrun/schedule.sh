#!/usr/bin/env bash
# Cloud Scheduler triggers for the Cloud Run job in job.yaml: one trigger per gapbot job, each
# running the job with its own arguments. Run once (again after changing a schedule):
#   PROJECT=your-project REGION=europe-west1 deploy/cloudrun/schedule.sh
# The scheduler's service account needs roles/run.jobsExecutorWithOverrides on the job.
set -euo pipefail

PROJECT="${PROJECT:?set PROJECT}"
REGION="${REGION:?set REGION}"
JOB="${JOB:-gapbot}"
TIMEZONE="${TIMEZONE:-Etc/UTC}"
INVOKER="${INVOKER:-gapbot-scheduler@${PROJECT}.iam.gserviceaccount.com}"
RUN_URL="https://run.googleapis.com/v2/projects/${PROJECT}/locations/${REGION}/jobs/${JOB}:run"

# name | schedule (cron, in TIMEZONE) | gapbot arguments
TRIGGERS=(
  'analyze|17 * * * *|"run-job", "analyze", "--if-due", "--wait", "600"'
  'watch|*/5 * * * *|"run-job", "watch", "--wait", "120"'
  'rerun-check|0 7 * * *|"run-job", "rerun-check", "--wait", "900"'
  'health|0 6 * * *|"run-job", "health", "--wait", "900"'
  'digest|0 8 * * 1|"run-job", "digest", "--wait", "900"'
)

for trigger in "${TRIGGERS[@]}"; do
  IFS='|' read -r name schedule args <<<"${trigger}"
  body="{\"overrides\": {\"containerOverrides\": [{\"args\": [${args}]}]}}"
  common=(
    --project="${PROJECT}"
    --location="${REGION}"
    --schedule="${schedule}"
    --time-zone="${TIMEZONE}"
    --uri="${RUN_URL}"
    --http-method=POST
    --message-body="${body}"
    --oauth-service-account-email="${INVOKER}"
  )
  if gcloud scheduler jobs describe "gapbot-${name}" --project="${PROJECT}" --location="${REGION}" >/dev/null 2>&1; then
    gcloud scheduler jobs update http "gapbot-${name}" "${common[@]}" --update-headers=Content-Type=application/json
  else
    gcloud scheduler jobs create http "gapbot-${name}" "${common[@]}" --headers=Content-Type=application/json
  fi
done
