"""The `gapbot` command line."""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import click
from dotenv import load_dotenv

from bot.demo import untouched_demo, write_demo
from bot.errors import ConfigError, GapbotError
from bot.memory import use_reusing_pool
from bot.notify import ConsoleNotifier, Notifier
from bot.notify.config import build_notifier
from bot.settings import parse_settings
from bot.stores import SetState, Store, WorkbookStore
from bot.stores.opener import SHEET_ENV, WORKBOOK_ENV, open_store
from sheets_schema.state_keys import DEMO_KEY
from sheets_schema.tabs import SETTINGS

from .context import Job, JobContext, JobResult
from .digest import PERIOD_DAYS, STALE_DAYS, digest_job
from .lease import LeaseBusy
from .runner import Runner, available_jobs, configure_logging


def progress(items: Iterable[Any], label: str) -> Iterable[Any]:
    """A progress bar on an interactive terminal; silent in logs and pipes."""
    if not sys.stderr.isatty():
        yield from items
        return
    seq = list(items)
    with click.progressbar(seq, label=label, file=sys.stderr) as bar:
        yield from bar


def report(result: JobResult) -> None:
    click.echo(f"{result.job}: {result.summary}")
    for note in result.notes:
        click.echo(f"  note: {note}")


#: `run-job` exit status when the sheet is busy with another run (EX_TEMPFAIL: try again later).
BUSY_EXIT = 75


class GapbotGroup(click.Group):
    """Turns errors into one clear line and a non-zero exit (tracebacks only with --debug)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except GapbotError as exc:
            if ctx.params.get("debug"):
                raise
            click.echo(f"gapbot: error: {exc.message}", err=True)
            ctx.exit(1)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as exc:
            if ctx.params.get("debug"):
                raise
            click.echo(
                f"gapbot: unexpected error: {type(exc).__name__}: {exc} (rerun with --debug for details)", err=True
            )
            ctx.exit(2)


@click.group(cls=GapbotGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="gapbot", message="%(prog)s %(version)s")
@click.option("--workbook", metavar="PATH", help=f"Local .xlsx workbook to use [env {WORKBOOK_ENV}].")
@click.option("--sheet", metavar="ID", help=f"Google Sheet ID to use [env {SHEET_ENV}].")
@click.option("--debug", is_flag=True, help="Show full tracebacks.")
@click.pass_context
def main(ctx: click.Context, workbook: str | None, sheet: str | None, debug: bool) -> None:
    """gapbot: backlink gap analysis for link-building teams.

    Finds domains that link to your competitors but not to you, and keeps a shared sheet of
    scored, classified prospects with dropdowns your team edits.
    """
    load_dotenv(Path.cwd() / ".env")
    use_reusing_pool()
    ctx.ensure_object(dict)
    ctx.obj["target"] = (workbook, sheet)


def _notifier(store: Store) -> Notifier:
    """Built once per command from the environment and the sheet's `Slack channel` setting."""
    return build_notifier(os.environ, parse_settings(store.read_tab(SETTINGS.name)).slack_channel)


def _run(
    ctx: click.Context,
    job: str,
    store_factory: Callable[[], Store] | None = None,
    notifier: Notifier | None = None,
    run: Job | None = None,
    topic: str = "",
) -> JobResult:
    store = store_factory() if store_factory else open_store(*ctx.obj["target"])
    # A manual run takes the sheet's lease like the worker does; its errors go to the terminal, not to the log.
    runner = Runner.from_environment(available_jobs(), alert=None)
    job_context = JobContext(store=store, progress=progress, notifier=notifier or _notifier(store), topic=topic)
    result = runner.run(job, job_context, run)
    report(result)
    return result


@main.command()
@click.pass_context
def init(ctx: click.Context) -> None:
    """Create missing tabs, headers, example settings and dropdowns (safe to rerun)."""
    _run(ctx, "init", store_factory=lambda: open_store(*ctx.obj["target"], create=True))


@main.command()
@click.option("--topic", default="", metavar="NAME", help="Analyse only this topic's competitors and targets.")
@click.pass_context
def analyze(ctx: click.Context, topic: str) -> None:
    """Read the exports, find the gap and update the output tabs."""
    _run(ctx, "analyze", topic=topic.strip())


LOG_JSON = click.option("--log-json", is_flag=True, help="Log JSON lines [env GAPBOT_LOG_FORMAT=json].")


@main.command()
@LOG_JSON
@click.pass_context
def run(ctx: click.Context, log_json: bool) -> None:
    """Run the jobs on their schedules until stopped (SIGTERM/SIGINT finish the running job first)."""
    configure_logging(log_json)
    store = open_store(*ctx.obj["target"])
    notifier = _notifier(store)
    from .scheduler import serve  # here: the scheduler's library loads only for the worker

    serve(store, Runner.from_environment(available_jobs()), lambda: JobContext(store=store, notifier=notifier))


@main.command("run-job")
@click.argument("name")
@click.option(
    "--wait",
    default=0.0,
    metavar="SECONDS",
    show_default=True,
    help="How long to wait while another run holds the sheet.",
)
@click.option("--if-due", is_flag=True, help="Skip the run when the job is not due (analyze: its rerun cadence).")
@LOG_JSON
@click.pass_context
def run_job(ctx: click.Context, name: str, wait: float, if_due: bool, log_json: bool) -> None:
    """Run one job now and exit (for cron-style platforms).

    NAME is one of the commands that are jobs: analyze, watch, digest, health, verify-links,
    page-context, rerun-check or init. Exits 1 when the job fails (after its failure alert) and 75
    when another run still holds the sheet.
    """
    configure_logging(log_json)
    store = open_store(*ctx.obj["target"], create=name == "init")
    runner = Runner.from_environment(available_jobs())
    job_ctx = JobContext(store=store, notifier=_notifier(store))
    runner.job(name)
    if if_due and not _due(runner, name, job_ctx):
        click.echo(f"{name}: not due")
        return
    try:
        result = runner.run_when_free(name, job_ctx, wait)
    except LeaseBusy as exc:
        click.echo(f"gapbot: busy: {exc.message}", err=True)
        ctx.exit(BUSY_EXIT)
    report(result)


def _due(runner: Runner, name: str, job_ctx: JobContext) -> bool:
    from .scheduler import due_reason  # here: the scheduler's library loads only when asked

    try:
        return due_reason(name, job_ctx) is not None
    except Exception as exc:
        runner.failed(name, job_ctx, exc, 0.0)
        raise


@main.command()
@click.pass_context
def health(ctx: click.Context) -> None:
    """Check our target pages (status, redirects, canonical, indexable) and competitor pages for dead ones."""
    _run(ctx, "health")


@main.command("verify-links")
@click.pass_context
def verify_links(ctx: click.Context) -> None:
    """Check that links marked Published / linked are live on the linking page."""
    _run(ctx, "verify-links")


@main.command("page-context")
@click.pass_context
def page_context(ctx: click.Context) -> None:
    """Read the top prospects' linking pages for link type and upkeep evidence."""
    _run(ctx, "page-context")


@main.command()
@click.option("--days", default=PERIOD_DAYS, show_default=True, help="Length of the period compared.")
@click.option(
    "--stale-days", default=STALE_DAYS, show_default=True, help="List prospects contacted longer ago without an answer."
)
@click.pass_context
def digest(ctx: click.Context, days: int, stale_days: int) -> None:
    """Post the outcomes digest: this period vs the previous one, what works, what waits."""
    _run(ctx, "digest", run=lambda job_context: digest_job(job_context, days, stale_days))


@main.command("rerun-check")
@click.pass_context
def rerun_check(ctx: click.Context) -> None:
    """Alert when the analysis should run again (new targets, exports, settings, cadence, ...)."""
    _run(ctx, "rerun-check")


@main.command()
@click.pass_context
def watch(ctx: click.Context) -> None:
    """Log the team's edits of Prospects to History and relearn the Model (one tick)."""
    _run(ctx, "watch")


@main.command()
@click.option(
    "--out", default="gapbot-demo.xlsx", show_default=True, type=click.Path(dir_okay=False), help="Workbook to write."
)
@click.option("--force", is_flag=True, help="Replace the workbook even if it was edited or is not a demo.")
@click.pass_context
def demo(ctx: click.Context, out: str, force: bool) -> None:
    """Write a demo workbook with sample data and analyse it (no accounts needed)."""
    path = Path(out)
    if path.suffix.lower() != ".xlsx":
        raise ConfigError(f"{out!r} is not an .xlsx file", where="--out", fix="give a path ending in .xlsx")
    if path.exists() and not force and not untouched_demo(path):
        raise ConfigError(
            f"{out!r} exists and is not an unedited demo workbook, so it is left as it is",
            where="--out",
            fix="pass --force to replace it, or --out another.xlsx",
        )
    if path.exists():
        path.unlink()
    exports = write_demo(path)
    store = WorkbookStore(path)
    # The demo never posts to a real Slack: its digest is shown right here.
    console = ConsoleNotifier()
    _run(ctx, "init", lambda: store, console)
    store.commit([SetState({DEMO_KEY: "yes"})])
    _run(ctx, "analyze", lambda: store, console)
    prospects = store.read_tab("Prospects")
    click.echo(f"\nDemo workbook: {path.resolve()}")
    click.echo(f"Export files:  {exports.resolve()}")
    if prospects is not None and not prospects.empty:
        click.echo("Top prospects:")
        for _, row in prospects.head(8).iterrows():
            click.echo(
                f"  {row['Priority']:>5}  {row['Domain']:<30} {row['Link type']:<20} {row['Suggested action']:<24} "
                f"{row['Competitors linked']}"
            )
    click.echo("Open it in Excel or LibreOffice; Next action and Outcome in Prospects are dropdowns.")


def _also_after_the_command(command: click.Command) -> None:
    """`--workbook`, `--sheet` and `--debug` work after the command too (`gapbot analyze --workbook X`),
    as most people type them."""

    def target(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
        if value:
            ctx.obj["target"] = (value, None) if param.name == "workbook" else (None, value)

    def debug(ctx: click.Context, param: click.Parameter, value: bool) -> None:
        if value:
            ctx.find_root().params["debug"] = True

    command.params += [
        click.Option(
            ["--workbook"], metavar="PATH", expose_value=False, callback=target, help="As before the command."
        ),
        click.Option(["--sheet"], metavar="ID", expose_value=False, callback=target, help="As before the command."),
        click.Option(["--debug"], is_flag=True, expose_value=False, callback=debug, help="Show full tracebacks."),
    ]


for _name, _command in main.commands.items():
    if _name != "demo":
        _also_after_the_command(_command)


def command_line() -> None:
    """The `gapbot` command: `main`, then an exit that does not free the run's objects one by one.

    Every file gapbot writes is complete and closed when a command returns; what is left is
    Python tearing down the run's memory, which after a large analysis is a noticeable part of
    the time a user waits. Output and logs are flushed first.
    """
    # A run holds millions of long-lived cells, rows and strings, and each full pass of the cycle
    # collector walks them all: the default thresholds made several per run, a tenth of its time.
    # Young objects are still collected as often as before; full passes come a hundred times rarer.
    gc.set_threshold(700, 10, 1000)
    try:
        main()
        code: object = 0
    except SystemExit as exc:
        code = exc.code
    if isinstance(code, str):  # as Python itself does with such an exit: say it, exit 1
        print(code, file=sys.stderr)
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError):  # a closed pipe (`gapbot ... | head`): nothing more to say there
            stream.flush()
    os._exit(code if isinstance(code, int) else 0 if code is None else 1)


if __name__ == "__main__":
    command_line()
