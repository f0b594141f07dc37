"""`gapbot rerun-check`: tell the team when the analysis should run again, and why."""

from __future__ import annotations

from jobs.notifications import RERUN_CHECK_JOB, deliver, end_of_job_alerts

from .context import JobContext, JobResult


def rerun_check(ctx: JobContext) -> JobResult:
    messages, memory, fired, unchecked = end_of_job_alerts(ctx)
    notes = [*unchecked, *deliver(ctx, messages, memory)]
    summary = (
        f"{len(fired)} reason(s) to rerun: {', '.join(f.heading.lower() for f in fired)}"
        if fired
        else "nothing new since the last check"
    )
    return JobResult(RERUN_CHECK_JOB, summary, {"triggers fired": len(fired)}, tuple(notes))
