"""The whole run a user waits for: `gapbot --workbook W analyze` on a generated market, end to end.

    PYTHONPATH=. python bench/bench_end_to_end.py --links 100000
    PYTHONPATH=. python bench/bench_end_to_end.py --links 1000000 --formats gsc-latest-links,moz-linking-domains
    PYTHONPATH=. python bench/bench_end_to_end.py --links 100000 --gapbot /other/checkout/.venv/bin/gapbot

The market: our site and four competitors, each with one export in the folder the workbook's
`Exports folder` names, the formats taken in turn from --formats (bench/gen_exports.py writes
them; the sites' referring domains overlap, so there is a gap to find). The workbook is made by
the measured command's own `init` and filled as a person would (Settings and Competitors by
their headers), so another checkout of gapbot can be measured on the same market. Each run starts
from a fresh copy of that workbook (a first run); with --again, a second run on the same copy is
measured too. Wall time and peak memory (the child's maximum resident set) are printed; runs of
each command alternate when several --gapbot are given, and the fastest is reported.

Each round also runs bench/plain_gap.py (pandas and tldextract: read the exports, registrable
domains, competitors minus ours) on the same exports, alternating with gapbot's runs, and each
gapbot run is shown as a multiple of that plain script's fastest run.

gapbot runs as the scheduled worker runs it, `gapbot --workbook W run-job analyze --log-json`
(the same job as `gapbot analyze`), so its log line tells where the time went: the lease, reading
the sheet, ingest, linking pages, analysis, the write and the Slack digest; the rest of the wall
time is starting Python and importing.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import NamedTuple

from openpyxl import load_workbook

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.gen_exports import LAYOUTS, links

OURS = "ours-invoicing.com"
COMPETITORS = ("rival-one.com", "rival-two.co.uk", "rival-three.io", "rival-four.com")


def write_market(out: Path, links_total: int, formats: list[str]) -> Path:
    """The exports folder of a market of `links_total` links (a fifth per site); returns it."""
    exports = out / "exports"
    if exports.exists():
        shutil.rmtree(exports)
    exports.mkdir(parents=True)
    per_site = links_total // (len(COMPETITORS) + 1)
    for i, site in enumerate((*COMPETITORS, OURS)):
        layout = LAYOUTS[formats[i % len(formats)]]()
        rows = per_site if site != OURS else per_site // 2
        data = layout.write(
            links(rows, seed=i, target_site=site, pages_per_domain=1 if layout.level == "domain" else 8)
        )
        (exports / f"{site}-{formats[i % len(formats)]}.csv").write_bytes(data)
    return exports


def make_workbook(gapbot: str, path: Path, exports: Path) -> None:
    """`init` by the measured command, then Settings and Competitors filled by their headers."""
    path.unlink(missing_ok=True)
    subprocess.run([gapbot, "--workbook", str(path), "init"], check=True, capture_output=True)
    book = load_workbook(path)
    settings = book["Settings"]
    values = {"Our domains": OURS, "Exports folder": str(exports), "Pages read per run": "0"}
    for row in settings.iter_rows(min_row=2):
        if row[0].value in values:
            row[1].value = values.pop(row[0].value)
    for name, value in values.items():  # a version without the setting reads it as unknown: left out
        if name != "Pages read per run":
            settings.append([name, value])
    competitors = book["Competitors"]
    header = [c.value for c in competitors[1]]
    for site in COMPETITORS:
        row = {"Domain": site, "Group": "Direct SERP competitor", "Active": "Yes"}
        competitors.append([row.get(str(h), "") for h in header])
    book.save(path)


PLAIN_SCRIPT = Path(__file__).resolve().with_name("plain_gap.py")


class Run(NamedTuple):
    seconds: float
    peak_mb: float
    code: int
    phases: dict[str, float]


def timed_run(command: list[str]) -> Run:
    """Wall time, peak memory, exit code and (from gapbot's JSON log line) the time split of one run."""
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    assert child.stderr is not None
    error = child.stderr.read().decode(errors="replace")
    child.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code not in (0,):
        print(f"  {command[0]}: exit {code}: {error.strip()[-400:]}", file=sys.stderr)
    phases: dict[str, float] = {}
    for line in error.splitlines():
        if line.startswith("{") and '"phases"' in line:
            phases = json.loads(line)["phases"]
    return Run(seconds, usage.ru_maxrss / 1024, code, phases)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--links", type=int, default=100_000, help="links in the market, all exports together")
    formats = "ahrefs-backlinks,semrush-backlinks,gsc-latest-links,moz-linking-domains,majestic-backlinks"
    parser.add_argument("--formats", default=formats, help="export formats, one per site in turn")
    parser.add_argument("--gapbot", action="append", help="the command to measure (default: gapbot on PATH)")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--again", action="store_true", help="also measure a second run on the same workbook")
    parser.add_argument("--out", type=Path, default=Path("/tmp/gapbot-bench-end-to-end"))
    args = parser.parse_args()
    formats = args.formats.split(",")
    unknown = [f for f in formats if f not in LAYOUTS]
    if unknown:
        parser.error(f"unknown format(s) {', '.join(unknown)}; choose from {', '.join(sorted(LAYOUTS))}")
    commands = args.gapbot or [shutil.which("gapbot") or "gapbot"]
    exports = write_market(args.out, args.links, formats)
    for old in args.out.glob("template-*.xlsx"):
        old.unlink()
    print(f"market: {args.links:,} links, {', '.join(formats)}")
    best: dict[tuple[str, str], Run] = {}

    def keep(key: tuple[str, str], run: Run) -> None:
        if run.code == 0 and (key not in best or run.seconds < best[key].seconds):
            best[key] = run

    plain = [sys.executable, str(PLAIN_SCRIPT), "--ours", OURS, str(exports)]
    for _ in range(args.repeat):
        keep(("plain pandas script", "first"), timed_run(plain))
        for n, command in enumerate(commands):
            template = args.out / f"template-{n}.xlsx"
            if not template.exists():
                make_workbook(command, template, exports)
            workbook = args.out / f"run-{n}.xlsx"
            shutil.copyfile(template, workbook)
            for run in ("first", "second") if args.again else ("first",):
                job = [command, "--workbook", str(workbook), "run-job", "analyze", "--log-json"]
                keep((command, run), timed_run(job))
    plain_run = best.get(("plain pandas script", "first"))
    yardstick = plain_run.seconds if plain_run else float("nan")
    print(f"{'command':48s} {'run':7s} {'seconds':>8s} {'links/s':>9s} {'peak MB':>8s} {'x plain':>8s}  time split (s)")
    for (command, run), measured in best.items():
        split = ", ".join(f"{name} {spent:.1f}" for name, spent in measured.phases.items())
        started = measured.seconds - sum(measured.phases.values()) if measured.phases else 0.0
        print(
            f"{command[-48:]:48s} {run:7s} {measured.seconds:8.1f} {args.links / measured.seconds:9,.0f} "
            f"{measured.peak_mb:8,.0f} {measured.seconds / yardstick:8.1f}  "
            + (f"{split}, start-up and rest {started:.1f}" if split else "")
        )


if __name__ == "__main__":
    main()
