"""Ingest throughput and peak memory against a plain `pyarrow.csv` read of the same bytes.

    PYTHONPATH=. python bench/bench_ingest.py --rows 1000000
    PYTHONPATH=. python bench/bench_ingest.py --rows 200000 --format semrush-backlinks

For each export format: generate the file (bench/gen_exports.py, cached in --out), then, each in
a fresh process so peak memory is its own, time (a) `pyarrow.csv.read_csv` of the bytes with the
file's encoding and separator and type inference — the yardstick, with Arrow's default settings —
and (b) gapbot's whole ingest as the command line runs it (with its memory pool, `bot/memory.py`):
decode, recognise, parse, normalise URLs and domains, build the link table. Peak memory is the
growth of the process's maximum resident set over what it held once the file's bytes were loaded.
Each is run --repeat times, the two alternating, and the fastest run is reported (the machine
may be shared).
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.gen_exports import LAYOUTS, write_exports


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 1e6


def _peak_mb() -> float:
    # VmHWM, not ru_maxrss: the latter keeps the parent's peak across fork and exec
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    return int(line.split()[1]) * 1024 / 1e6


def measure(mode: str, path: Path) -> dict[str, float]:
    """Run in the child process: one read of `path`, its time and memory."""
    import pyarrow.csv as pacsv

    from bot.ingest import read_export_bytes
    from bot.memory import use_reusing_pool

    if mode == "gapbot":
        use_reusing_pool()  # as the command line does
    data = path.read_bytes()
    before = _rss_mb()
    start = time.perf_counter()
    if mode == "pyarrow":
        encoding = "utf-16" if data[:2] == b"\xff\xfe" else "utf8"
        head = data[:4096].decode(encoding, errors="ignore")
        delimiter = "\t" if head.split("\n", 1)[0].count("\t") else ","
        table = pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(encoding=encoding),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
        )
        rows = table.num_rows
    else:
        _links, report = read_export_bytes(path.name, data)
        assert not report.problem, report.problem
        rows = report.rows_read + report.rows_skipped
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "rows": rows, "peak_mb": max(0.0, _peak_mb() - before), "file_mb": len(data) / 1e6}


def run_child(mode: str, path: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(path)], check=True, capture_output=True, text=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, default=Path("/tmp/gapbot-exports"))
    parser.add_argument("--format", action="append", choices=sorted(LAYOUTS), help="default: all")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each; the fastest is reported")
    parser.add_argument("--child", nargs=2, metavar=("MODE", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child[0], Path(args.child[1]))))
        return
    print(f"{'format':28} {'file MB':>8} {'pyarrow s':>10} {'gapbot s':>9} {'ratio':>6} {'rows/s':>10} "
          f"{'pyarrow MB':>10} {'gapbot MB':>9}")  # fmt: skip
    for name in args.format or sorted(LAYOUTS):
        path = args.out / f"competitor.com-{name}-{args.rows}.csv"
        if not path.exists():
            write_exports(args.rows, args.out, [name])
        # alternate the two so a slow spell on a shared machine falls on both
        runs = [(run_child("pyarrow", path), run_child("gapbot", path)) for _ in range(args.repeat)]
        plain = min((p for p, _ in runs), key=lambda r: r["seconds"])
        ours = min((o for _, o in runs), key=lambda r: r["seconds"])
        print(
            f"{name:28} {ours['file_mb']:8.0f} {plain['seconds']:10.2f} {ours['seconds']:9.2f} "
            f"{ours['seconds'] / plain['seconds']:6.1f} {ours['rows'] / ours['seconds']:10,.0f} "
            f"{plain['peak_mb']:10.0f} {ours['peak_mb']:9.0f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
