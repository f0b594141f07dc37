"""The real exports in ../shared/sample-exports are recognised and read with the right row count.

Row counts and kinds are those listed in the samples' SOURCES.md (data rows, header excluded).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.ingest import read_export_bytes
from bot.ingest.reader import NOT_BACKLINKS

# next to the repository; GAPBOT_SAMPLE_EXPORTS points elsewhere (a checkout placed deeper)
SAMPLES = Path(
    os.environ.get("GAPBOT_SAMPLE_EXPORTS", Path(__file__).resolve().parents[1].parent / "shared" / "sample-exports")
)
pytestmark = pytest.mark.skipif(
    not SAMPLES.is_dir(), reason=f"the real sample exports are not here ({SAMPLES} is absent)"
)

# path -> tool, report, data rows, is a backlinks report
EXPECTED = {
    "ahrefs/ahrefs-2026_backlinks_caldea.com_utf16le-tab.csv": ("Ahrefs", "Backlinks", 1508, True),
    "ahrefs/ahrefs-2026_referring-ips_caldea.com_utf16le-tab.csv": ("Ahrefs", "Referring IPs", 1084, False),
    "ahrefs/ahrefs-v2-2020_broken-backlinks_iii.org_utf8-comma.csv": ("Ahrefs", "Broken backlinks", 75, True),
    "ahrefs/ahrefs-v2-2020_broken-backlinks_policygenius.com_utf8-comma.csv": ("Ahrefs", "Broken backlinks", 187, True),
    "ahrefs/ahrefs-v2-2020_broken-backlinks_nerdwallet.com_utf8-comma.csv": ("Ahrefs", "Broken backlinks", 366, True),
    "ahrefs/ahrefs-v2-2020_broken-outgoing-links_policygenius.com_utf8-comma.csv": (
        "Ahrefs", "Outgoing broken links", 185, False,
    ),
    "semrush/semrush_backlinks_coinlineup.com_utf8-comma.csv": ("Semrush", "Backlinks", 7235, True),
    "semrush/semrush-2026_backlinks-refdomains_caldea.com_utf8-comma.csv": ("Semrush", "Referring domains", 1827, True),
    "semrush/semrush-2026_backlink-audit_caldea.com_utf8-comma.csv": ("Semrush", "Backlink Audit", 13250, True),
    "gsc/johnmurch_latest-links_2020-07-15.csv": ("Google Search Console", "Latest links", 18, True),
}  # fmt: skip
SITES = {"caldea.com", "iii.org", "policygenius.com", "nerdwallet.com", "coinlineup.com"}


def test_every_sample_is_listed() -> None:
    present = {str(p.relative_to(SAMPLES)) for p in SAMPLES.rglob("*.csv")}
    assert present == set(EXPECTED)


@pytest.mark.parametrize("path", sorted(EXPECTED))
def test_sample_is_recognised_with_its_row_count(path: str) -> None:
    tool, kind, rows, is_backlinks = EXPECTED[path]
    links, report = read_export_bytes(Path(path).name, (SAMPLES / path).read_bytes())
    assert (report.tool, report.report) == (tool, kind)
    assert report.rows_read + report.rows_skipped == rows
    assert len(links) == report.rows_read
    if is_backlinks:
        assert not report.problem
        assert report.rows_read >= rows * 0.98  # only the odd IP-literal linking page is left out
        assert set(report.skipped) <= {"linking page is an IP address, not a host name"}
        assert report.site in SITES or tool == "Google Search Console"
    else:
        assert report.skipped == {NOT_BACKLINKS: rows}
        assert "not a backlinks report" in report.problem


def test_idn_referring_domains_are_keyed_in_punycode() -> None:
    path = "semrush/semrush-2026_backlinks-refdomains_caldea.com_utf8-comma.csv"
    links, _ = read_export_bytes(Path(path).name, (SAMPLES / path).read_bytes())
    idn = "한국사이버신학대학교.kr".encode("idna").decode("ascii")
    assert idn in set(links["source_domain"])
    assert all(d.isascii() for d in links["source_domain"])
