"""Jobs registered by name, in one place."""

from __future__ import annotations

from collections.abc import Callable

from .context import JobContext, JobResult

Job = Callable[[JobContext], JobResult]
JOBS: dict[str, Job] = {}
#: Jobs with nothing to do while the sheet is as this process last knew it: the runner skips
#: them with one cheap change check, before taking the lease (which would itself be a write).
SKIP_WHEN_UNCHANGED: set[str] = set()


def register(name: str, *, skip_when_unchanged: bool = False) -> Callable[[Job], Job]:
    def add(job: Job) -> Job:
        if name in JOBS:
            raise ValueError(f"a job named {name!r} is already registered")
        JOBS[name] = job
        if skip_when_unchanged:
            SKIP_WHEN_UNCHANGED.add(name)
        return job

    return add


def load_jobs() -> dict[str, Job]:
    """Import every job module so each registers itself."""
    from . import analyze, digest, health, init, page_context, rerun_check, verify_links, watch  # noqa: F401

    return JOBS
