"""Every supported export format is recognised and mapped onto the link table.

`tests/data/exports/` holds one small export per format, written in the tool's own encoding,
separator, quoting and line endings (see its README for which header rows come from real
exports). The expected values below were read off those files by hand.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest

from bot.ingest import ImportReport, read_export_bytes, read_export_frame
from bot.ingest.reader import NOT_BACKLINKS
from bot.linktable import LINK_COLUMNS

EXPORTS = Path(__file__).parent / "data" / "exports"
IP_HOST = "linking page is an IP address, not a host name"

# file -> tool, report, site, rows read, rows skipped by reason
EXPECTED = {
    "ahrefs_backlinks_billhive.com_utf16le-tab.csv": ("Ahrefs", "Backlinks", "billhive.com", 3, {IP_HOST: 1}),
    "ahrefs-v2_backlinks_paypilot.co.uk_utf8-comma.csv": ("Ahrefs", "Backlinks", "paypilot.co.uk", 3, {}),
    "ahrefs-v2_broken-backlinks_paypilot.co.uk_utf8-comma.csv": (
        "Ahrefs", "Broken backlinks", "paypilot.co.uk", 2, {},
    ),
    "ahrefs_referring-domains_billhive.com_utf16le-tab.csv": ("Ahrefs", "Referring domains", "billhive.com", 3, {}),
    "ahrefs_link-intersect_ledgerly.io_utf16le-tab.csv": ("Ahrefs", "Link Intersect", "billhive.com", 6, {}),
    "ahrefs_referring-ips_billhive.com_utf16le-tab.csv": ("Ahrefs", "Referring IPs", "", 0, {NOT_BACKLINKS: 2}),
    "ahrefs-v2_outgoing-broken-links_ledgerly.io_utf8-comma.csv": (
        "Ahrefs", "Outgoing broken links", "", 0, {NOT_BACKLINKS: 1},
    ),
    "semrush_backlinks_tallybook.io_utf8-comma.csv": (
        "Semrush", "Backlinks", "tallybook.io", 2, {"linking page is not a web URL": 1},
    ),
    "semrush_referring-domains_tallybook.io_utf8-comma.csv": ("Semrush", "Referring domains", "tallybook.io", 3, {}),
    "semrush_backlink-audit_ledgerly.io_utf8-comma.csv": ("Semrush", "Backlink Audit", "ledgerly.io", 2, {}),
    "semrush_backlink-gap_ledgerly.io_utf8-comma.csv": ("Semrush", "Backlink Gap", "billhive.com", 3, {}),
    "moz_inbound-links_billhive.com_utf8-comma.csv": ("Moz", "Inbound links", "billhive.com", 2, {}),
    "moz_linking-domains_billhive.com_utf8-comma.csv": ("Moz", "Linking domains", "billhive.com", 2, {}),
    "majestic_backlinks_freelancerbank.com_utf8-comma.csv": (
        "Majestic", "Backlinks", "freelancerbank.com", 2, {"no linking page URL": 1},
    ),
    "majestic_referring-domains_freelancerbank.com_utf8-comma.csv": (
        "Majestic", "Referring domains", "freelancerbank.com", 2, {},
    ),
    "https___ledgerly.io_-Latest links-2026-11-20.csv": ("Google Search Console", "Latest links", "ledgerly.io", 2, {}),
    "gsc_neueste-links_ledgerly.io_de.csv": ("Google Search Console", "Latest links", "ledgerly.io", 1, {}),
    "gsc_top-linking-sites_ledgerly.io_utf8-comma.csv": (
        "Google Search Console", "Top linking sites", "ledgerly.io", 3, {},
    ),
    "gsc_top-linked-pages_ledgerly.io_utf8-comma.csv": (
        "Google Search Console", "Top linked pages", "", 0, {NOT_BACKLINKS: 1},
    ),
    "other-tool_links_billhive.com_cp1252-semicolon.csv": ("CSV", "Backlinks", "billhive.com", 2, {}),
    "other-tool_links_paypilot.co.uk.xlsx": ("CSV", "Backlinks", "paypilot.co.uk", 2, {}),
}  # fmt: skip


def read(name: str) -> tuple[pd.DataFrame, ImportReport]:
    return read_export_bytes(name, (EXPORTS / name).read_bytes())


def by_source(links: pd.DataFrame, column: str = "source_key") -> dict[str, dict[str, object]]:
    return {row[column]: row for row in links.to_dict("records")}


def test_every_fixture_is_listed() -> None:
    assert {p.name for p in EXPORTS.iterdir() if p.suffix in (".csv", ".xlsx")} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_is_recognised(name: str) -> None:
    tool, report_kind, site, rows, skipped = EXPECTED[name]
    links, report = read(name)
    assert (report.tool, report.report, report.site) == (tool, report_kind, site)
    assert report.rows_read == len(links) == rows
    assert dict(report.skipped) == skipped
    assert list(links.columns) == list(LINK_COLUMNS)
    assert bool(report.problem) == (NOT_BACKLINKS in skipped)
    if rows:
        assert set(links["tool"]) == {tool} and set(links["export"]) == {name} and set(links["sources"]) == {name}


def test_ahrefs_current_export_fields() -> None:
    links, _ = read("ahrefs_backlinks_billhive.com_utf16le-tab.csv")
    rows = by_source(links)
    hub = rows["smallbizhub.org/resources/invoicing"]
    assert hub["source_host"] == "smallbizhub.org" and hub["target_key"] == "billhive.com/invoice-template"
    # the left context holds a line break inside its quoted cell
    assert hub["context"] == "Our favourite: the free invoice template from Billhive."
    assert (hub["authority_metric"], hub["authority_raw"], hub["authority"]) == ("Ahrefs DR", 47.0, 47.0)
    assert (hub["first_seen"], hub["last_seen"], hub["level"]) == ("2025-03-14", "2026-11-01", "page")
    forum = rows["forum.freelancers-unite.net/t/late-payments/88"]
    assert (forum["nofollow"], forum["ugc"], forum["sponsored"], forum["platform"]) == (True, True, False, "discourse")
    assert forum["source_domain"] == "freelancers-unite.net"
    idn = rows["xn--mnzkasse-65a.com/blog/rechnung"]
    assert idn["source_url"] == "https://www.münzkasse.com/blog/rechnung"
    assert (idn["source_domain"], idn["language"], idn["target_key"]) == ("xn--mnzkasse-65a.com", "de", "billhive.com/")


def test_ahrefs_v2_type_holds_combined_flags() -> None:
    links, _ = read("ahrefs-v2_backlinks_paypilot.co.uk_utf8-comma.csv")
    rows = by_source(links)
    flags = {k: (r["nofollow"], r["ugc"], r["sponsored"]) for k, r in rows.items()}
    assert flags == {
        "financeweekly.co.uk/best-invoicing-apps": (False, False, False),
        "blog.craftaccounting.co.uk/late-payment": (True, True, False),
        "otherguy.blogspot.com/2019/invoices": (False, False, True),
    }
    assert rows["otherguy.blogspot.com/2019/invoices"]["source_domain"] == "otherguy.blogspot.com"
    assert rows["financeweekly.co.uk/best-invoicing-apps"]["context"] == "try PayPilot for UK freelancers"
    broken, _ = read("ahrefs-v2_broken-backlinks_paypilot.co.uk_utf8-comma.csv")
    assert set(broken["target_status"]) == {404}


def test_domain_level_exports_have_domains_without_pages() -> None:
    links, _ = read("ahrefs_referring-domains_billhive.com_utf16le-tab.csv")
    assert set(links["level"]) == {"domain"} and set(links["source_url"]) == {""} and set(links["source_key"]) == {""}
    korean = "한국사이버신학대학교.kr".encode("idna").decode("ascii")
    assert set(links["source_domain"]) == {"smallbizhub.org", korean, "janedoe.blogspot.com"}
    domains = dict(zip(links["source_domain"], links["authority"], strict=True))
    assert domains["smallbizhub.org"] == 47.0 and domains["janedoe.blogspot.com"] == 5.0
    assert set(links["target_domain"]) == {"billhive.com"}
    semrush, _ = read("semrush_referring-domains_tallybook.io_utf8-comma.csv")
    assert set(semrush["authority_metric"]) == {"Semrush AS"}
    assert set(semrush["links_count"]) == {3}
    korean = semrush[semrush["source_domain"].str.endswith(".kr")]
    assert korean["source_domain"].iloc[0].startswith("xn--")  # Unicode in the export, punycode as key


def test_link_intersect_and_backlink_gap_give_one_row_per_linked_site() -> None:
    links, _ = read("ahrefs_link-intersect_ledgerly.io_utf16le-tab.csv")
    pairs = set(zip(links["source_domain"], links["target_domain"], strict=True))
    assert pairs == {
        ("freelancejournal.com", "billhive.com"),
        ("freelancejournal.com", "paypilot.co.uk"),
        ("freelancejournal.com", "tallybook.io"),
        ("uxdesignweekly.com", "tallybook.io"),
        ("financeweekly.co.uk", "billhive.com"),
        ("financeweekly.co.uk", "paypilot.co.uk"),
    }
    gap, _ = read("semrush_backlink-gap_ledgerly.io_utf8-comma.csv")
    assert set(zip(gap["source_domain"], gap["target_domain"], gap["links_count"], strict=True)) == {
        ("freelancejournal.com", "billhive.com", 14),
        ("freelancejournal.com", "paypilot.co.uk", 3),
        ("smallbizhub.org", "billhive.com", 2),
    }


def test_semrush_exports() -> None:
    links, _ = read("semrush_backlinks_tallybook.io_utf8-comma.csv")
    rows = by_source(links)
    designer = rows["designerdaily.com/tools/invoicing"]
    assert designer["title"] == "Invoicing, billing and payments: 12 tools"  # quoted: holds commas
    assert (designer["sitewide"], designer["authority_metric"], designer["image"]) == (True, "Semrush page AS", False)
    assert rows["medium.com/@jane/how-i-invoice"]["nofollow"] is True
    audit, _ = read("semrush_backlink-audit_ledgerly.io_utf8-comma.csv")
    assert set(audit["authority_metric"]) == {"Semrush AS"}  # its "Domain Authority Score" is not Moz DA
    assert set(audit["spam_score"]) == {12.0}


def test_moz_majestic_and_search_console_fields() -> None:
    moz, report = read("moz_inbound-links_billhive.com_utf8-comma.csv")
    assert "3 line(s) before the header row were skipped" in report.notes
    rows = by_source(moz)
    assert rows["uxdesignweekly.com/issue-212"]["nofollow"] is True
    assert rows["startupgrants-directory.com/listing/billhive"]["nofollow"] is False
    assert set(moz["authority_metric"]) == {"Moz DA"} and set(moz["spam_score"]) == {3.0}
    majestic, _ = read("majestic_backlinks_freelancerbank.com_utf8-comma.csv")
    flags = dict(zip(majestic["source_key"], majestic["nofollow"], strict=True))
    assert flags == {"taxtipsforcreatives.com/vat": True, "freelancejournal.com/banking": False}
    assert set(majestic["authority_metric"]) == {"Majestic TF"}
    top, _ = read("gsc_top-linking-sites_ledgerly.io_utf8-comma.csv")
    assert dict(zip(top["source_domain"], top["links_count"], strict=True)) == {
        "smallbizhub.org": 1240,
        "designerdaily.com": 12,
        "xn--mnzkasse-65a.com": 2,
    }
    latest, _ = read("https___ledgerly.io_-Latest links-2026-11-20.csv")
    assert set(latest["target_domain"]) == {"ledgerly.io"}  # no target column: the file name says
    assert set(latest["last_seen"]) == {"2026-10-30", "2026-11-02"}


def test_any_other_table_by_header_aliases() -> None:
    links, report = read("other-tool_links_billhive.com_cp1252-semicolon.csv")
    assert report.notes == ["the file is not UTF-8; read as cp1252"]
    rows = by_source(links, "anchor")
    assert rows["modèle de facture"]["source_url"] == "https://café-crème.fr/factures"
    assert rows["modèle de facture"]["authority"] == 33.5  # decimal comma
    assert (rows["modèle de facture"]["nofollow"], rows["€ pricing"]["nofollow"]) == (False, True)  # "Follow"
    xlsx, _ = read("other-tool_links_paypilot.co.uk.xlsx")
    assert set(xlsx["source_domain"]) == {"craftaccounting.co.uk"}
    assert list(xlsx["authority"]) == [28.0, 28.0] and list(xlsx["nofollow"]) == [False, True]


def test_pasted_tab_reads_like_the_file() -> None:
    name = "semrush_backlinks_tallybook.io_utf8-comma.csv"
    file_links, file_report = read(name)
    parsed = list(csv.reader(io.StringIO((EXPORTS / name).read_text(encoding="utf-8"), newline="")))
    frame = pd.DataFrame(parsed[1:], columns=parsed[0])
    tab_links, tab_report = read_export_frame("Raw: tallybook.io Semrush", frame)
    assert (tab_report.tool, tab_report.report, tab_report.site) == ("Semrush", "Backlinks", "tallybook.io")
    keep = ["source_key", "target_key", "anchor", "title", "nofollow", "authority", "first_seen"]
    pd.testing.assert_frame_equal(tab_links[keep], file_links[keep])
    assert file_report.rows_read == tab_report.rows_read == 2


def test_export_pasted_as_text_into_one_column_reads_like_the_file() -> None:
    name = "semrush_backlinks_tallybook.io_utf8-comma.csv"
    file_links, _ = read(name)
    lines = (EXPORTS / name).read_text(encoding="utf-8").splitlines()
    frame = pd.DataFrame({lines[0]: lines[1:], "": [""] * (len(lines) - 1)})  # column B left empty
    tab_links, report = read_export_frame("Raw: tallybook.io Semrush", frame)
    assert report.notes[0] == "the export was pasted into one column; its lines were split at “comma”"
    keep = ["source_key", "target_key", "anchor", "title", "nofollow", "authority", "first_seen"]
    pd.testing.assert_frame_equal(tab_links[keep], file_links[keep])
