"""The job table: every job gapbot can run, by name, in one explicit place."""

from __future__ import annotations

from collections.abc import Mapping

from .analyze import analyze
from .context import Job
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

#: Jobs with nothing to do while the sheet is as this process last knew it: the runner skips
#: them with one cheap change check, before taking the lease (which would itself be a write).
SKIP_WHEN_UNCHANGED: frozenset[str] = frozenset({"watch"})
