"""The `gapbot` command line."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import click
from dotenv import load_dotenv

from jobs.context import JobContext, JobResult
from jobs.registry import load_jobs

from .demo import write_demo
from .errors import GapbotError
from .stores import Store, WorkbookStore
from .targets import SHEET_ENV, WORKBOOK_ENV, open_store


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
    ctx.ensure_object(dict)
    ctx.obj["target"] = (workbook, sheet)


def _run(ctx: click.Context, job: str, store_factory: Callable[[], Store] | None = None) -> JobResult:
    store = store_factory() if store_factory else open_store(*ctx.obj["target"])
    result = load_jobs()[job](JobContext(store=store, progress=progress))
    report(result)
    return result


@main.command()
@click.pass_context
def init(ctx: click.Context) -> None:
    """Create missing tabs, headers, example settings and dropdowns (safe to rerun)."""
    _run(ctx, "init")


@main.command()
@click.pass_context
def analyze(ctx: click.Context) -> None:
    """Read the exports, find the gap and update the output tabs."""
    _run(ctx, "analyze")


@main.command()
@click.pass_context
def watch(ctx: click.Context) -> None:
    """Log the team's edits of Prospects to History and relearn the Model (one tick)."""
    _run(ctx, "watch")


@main.command()
@click.option(
    "--out", default="gapbot-demo.xlsx", show_default=True, type=click.Path(dir_okay=False), help="Workbook to write."
)
@click.pass_context
def demo(ctx: click.Context, out: str) -> None:
    """Write a demo workbook with sample data and analyse it (no accounts needed)."""
    path = Path(out)
    if path.exists():
        path.unlink()
    exports = write_demo(path)
    store = WorkbookStore(path)
    _run(ctx, "init", lambda: store)
    _run(ctx, "analyze", lambda: store)
    prospects = store.read_tab("Prospects")
    click.echo(f"\nDemo workbook: {path.resolve()}")
    click.echo(f"Export files:  {exports.resolve()}")
    if prospects is not None and not prospects.empty:
        click.echo("Top prospects:")
        for _, row in prospects.head(8).iterrows():
            click.echo(f"  {row['Domain']:<32} overlap {row['Overlap']:<2} {row['Competitors linked']}")
    click.echo("Open it in Excel or LibreOffice; Next action and Outcome in Prospects are dropdowns.")


if __name__ == "__main__":
    main()
