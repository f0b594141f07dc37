"""Jobs registered by name, in one place."""

from __future__ import annotations

from collections.abc import Callable

from .context import JobContext, JobResult

Job = Callable[[JobContext], JobResult]
JOBS: dict[str, Job] = {}


def register(name: str) -> Callable[[Job], Job]:
    def add(job: Job) -> Job:
        if name in JOBS:
            raise ValueError(f"a job named {name!r} is already registered")
        JOBS[name] = job
        return job

    return add


def load_jobs() -> dict[str, Job]:
    """Import every job module so each registers itself."""
    from . import analyze, digest, health, init, page_context, rerun_check, verify_links, watch  # noqa: F401

    return JOBS
