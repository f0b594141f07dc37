"""The demo finds exactly the domains that link to a competitor and not to us.

The expected answer below was worked out by hand from the demo's links (bot/demo_market.py),
not computed by gapbot.
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook

from bot.cli import main
from bot.stores import WorkbookStore

EXPECTED = {
    "smallbizhub.org",  # www. and bare host in two exports, two competitors
    "freelancejournal.com",  # three competitors
    "uxdesignweekly.com",
    "otherguy.blogspot.com",  # blogspot is a public suffix: two blogs are two prospects
    "janedoe.blogspot.com",
    "cheapcoupons-deals.com",
    "thefreelancer.co.uk",
    "old-resources-page.org",
    "münzkasse.com",  # IDN: Unicode in one export, punycode in another, one prospect
    "craftaccounting.co.uk",  # news. and www. subdomains of a .co.uk domain, two competitors
    "financeweekly.co.uk",
    "medium.com",
    "freelancers-unite.net",
    "startupgrants-directory.com",
    "accountants-association.org",
    "taxtipsforcreatives.com",
}
# Not prospects: smallbusiness-answers.com (links to blog.ledgerly.io, a subdomain of ours),
# designerdaily.com (links to us, seen only in the Semrush export of our site),
# oldrival-only.com (links only to an inactive competitor), ledgerly.io (our own site).
EXPECTED_OVERLAP = {
    "freelancejournal.com": "3",
    "münzkasse.com": "2",
    "smallbizhub.org": "2",
    "craftaccounting.co.uk": "2",
    "financeweekly.co.uk": "2",
}


def test_demo_prospects_are_exactly_the_gap(tmp_path: Path) -> None:
    out = tmp_path / "demo.xlsx"
    result = CliRunner().invoke(main, ["demo", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert str(out.resolve()) in result.output
    prospects = WorkbookStore(out).read_tab("Prospects")
    assert prospects is not None
    assert set(prospects["Domain"]) == EXPECTED
    assert len(prospects) == len(EXPECTED)
    overlap = dict(zip(prospects["Domain"], prospects["Overlap"], strict=True))
    for domain, value in EXPECTED_OVERLAP.items():
        assert overlap[domain] == value
    assert {v for d, v in overlap.items() if d not in EXPECTED_OVERLAP} == {"1"}
    assert set(prospects["Status"]) == {"New"}


def test_demo_workbook_has_dropdowns_and_an_imports_tab(tmp_path: Path) -> None:
    out = tmp_path / "demo.xlsx"
    assert CliRunner().invoke(main, ["demo", "--out", str(out)]).exit_code == 0
    wb = load_workbook(out)
    assert wb["Prospects"].data_validations.dataValidation
    imports = WorkbookStore(out).read_tab("Imports")
    assert imports is not None
    assert (imports["Problem"] == "").all()
    assert imports["Rows read"].astype(int).sum() == 28


def test_rerun_marks_status_and_keeps_first_seen(tmp_path: Path) -> None:
    out = tmp_path / "demo.xlsx"
    runner = CliRunner()
    assert runner.invoke(main, ["demo", "--out", str(out)]).exit_code == 0
    first = WorkbookStore(out).read_tab("Prospects")
    result = runner.invoke(main, ["--workbook", str(out), "analyze"])
    assert result.exit_code == 0, result.output
    second = WorkbookStore(out).read_tab("Prospects")
    assert first is not None and second is not None
    assert set(second["Status"]) == {"Active"}
    assert dict(zip(first["Domain"], first["First seen"], strict=True)) == dict(
        zip(second["Domain"], second["First seen"], strict=True)
    )
