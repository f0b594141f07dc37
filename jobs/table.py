"""The job table: every job gapbot can run, by name, in one explicit place."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from .analyze import analyze, analyze_reads
from .context import Job, JobContext
from .digest import digest
from .health import health
from .init import init
from .notifications import RERUN_CHECK_JOB
from .page_context import page_context_job
from .rerun_check import rerun_check
from .verify_links import verify_links
from .watch import watch

JOBS: Mapping[str, Job] = {
    "analyze": analyze,
    "digest": digest,
    "health": health,
    "init": init,
    "page-context": page_context_job,
    RERUN_CHECK_JOB: rerun_check,
    "verify-links": verify_links,
    "watch": watch,
}

#: The tabs a job reads first, read with the lease's last check in one request where the store
#: reads tabs in batches (a Google Sheet): a call saved per run.
FIRST_READS: Mapping[str, Callable[[JobContext], list[str]]] = {"analyze": analyze_reads}

#: Jobs with nothing to do while the sheet is as this process last knew it: the runner skips
#: them with one cheap change check, before taking the lease (which would itself be a write).
SKIP_WHEN_UNCHANGED: frozenset[str] = frozenset({"watch"})
