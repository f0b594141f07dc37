"""Vendor API pulls against a real local HTTP server answering as the vendors' docs show: the same
prospects as the equivalent exports, paging, the budget, 429s, vendor errors and bad credentials."""

from __future__ import annotations

import io
import re
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest
from click.testing import CliRunner

from bot.demo import market as m
from bot.demo import write_workbook
from bot.demo.export_writers import (
    AHREFS_BACKLINKS,
    AHREFS_REFERRING_DOMAINS,
    MAJESTIC_BACKLINKS,
    MOZ_INBOUND_LINKS,
    MOZ_LINKING_DOMAINS,
    SEMRUSH_BACKLINKS,
    SEMRUSH_REFERRING_DOMAINS,
    ExportLayout,
    Link,
    majestic_referring_domains,
)
from bot.notify import ConsoleNotifier
from bot.stores import WorkbookStore
from bot.vendors import (
    CONNECTORS,
    Budget,
    Pulled,
    VendorError,
    VendorHttp,
    ahrefs,
    dataforseo,
    majestic,
    moz,
    pull_sites,
    semrush,
)
from bot.vendors.base import Pricing
from jobs.cli import main
from jobs.context import JobContext, JobResult
from jobs.notifications import run_job
from jobs.scheduler import due_reason
from jobs.table import JOBS
from sheets_schema.tabs import COMPETITORS, IMPORTS, PROSPECTS, SETTINGS, TARGETS
from tests.vendor_fakes import CREDENTIALS, DOCS, Answer, Request, VendorFake, requests_to

SITES: dict[str, list[Link]] = {
    "billhive.com": [*m.BILLHIVE, *m.BILLHIVE_MORE],
    "paypilot.co.uk": [*m.PAYPILOT, *m.PAYPILOT_MORE],
    "tallybook.io": [*m.TALLYBOOK, *m.TALLYBOOK_MORE],
    "freelancerbank.com": [*m.FREELANCERBANK, *m.FREELANCERBANK_MORE],
    "ledgerly.io": [*m.OURS_AHREFS, *m.OURS_SEMRUSH],
}
VENDORS = ("DataForSEO", "Semrush", "Ahrefs", "Moz", "Majestic")
# each vendor's own exports of the same links; DataForSEO has no export, so Ahrefs' stand in
EXPORTS: dict[str, tuple[ExportLayout, ExportLayout]] = {
    "DataForSEO": (AHREFS_BACKLINKS, AHREFS_REFERRING_DOMAINS),
    "Semrush": (SEMRUSH_BACKLINKS, SEMRUSH_REFERRING_DOMAINS),
    "Ahrefs": (AHREFS_BACKLINKS, AHREFS_REFERRING_DOMAINS),
    "Moz": (MOZ_INBOUND_LINKS, MOZ_LINKING_DOMAINS),
    "Majestic": (MAJESTIC_BACKLINKS, majestic_referring_domains()),
}


def one_per_domain(links: list[Link]) -> list[Link]:
    seen: dict[str, Link] = {}
    for link in links:
        seen.setdefault(link.source_host.removeprefix("www."), link)
    return list(seen.values())


def workbook(path: Path, **settings: str) -> Path:
    rows = {"Our domains": m.OUR_DOMAIN, "Pages read per run": "0", **settings}
    competitors = [c for c in m.COMPETITORS if c[3] == "Yes"]
    write_workbook(
        path,
        {
            SETTINGS.name: [SETTINGS.names, *([k, v, ""] for k, v in rows.items())],
            COMPETITORS.name: [COMPETITORS.names, *map(list, competitors)],
            TARGETS.name: [TARGETS.names, *map(list, m.TARGETS)],
        },
    )
    return path


def prospects(path: Path) -> pd.DataFrame:
    frame = WorkbookStore(path).read_tab(PROSPECTS.name)
    assert frame is not None
    return frame.set_index("Domain")[["Competitors linked", "Overlap", "Status"]].sort_index()


def imports(path: Path) -> dict[str, dict[str, str]]:
    frame = WorkbookStore(path).read_tab(IMPORTS.name)
    assert frame is not None
    return {row["Export"]: row for row in frame.to_dict("records")}


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[VendorFake]:
    with VendorFake(SITES) as server:
        for name, value in server.env().items():
            monkeypatch.setenv(name, value)
        monkeypatch.setenv("GAPBOT_PULL_CACHE", str(tmp_path / "pulls"))
        yield server


def analyze(path: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--workbook", str(path), "analyze"])
    return result.exit_code, result.output


@pytest.mark.slow
@pytest.mark.parametrize("vendor", VENDORS)
def test_a_vendor_pull_gives_the_same_prospects_as_its_exports(vendor: str, fake: VendorFake, tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    backlinks, domains = EXPORTS[vendor]
    for site, links in SITES.items():
        (folder / f"{site}-backlinks.csv").write_bytes(backlinks.write(links))
        (folder / f"{site}-refdomains.csv").write_bytes(domains.write(one_per_domain(links)))
    exported = workbook(tmp_path / "exported.xlsx", **{"Exports folder": str(folder)})
    pulled = workbook(tmp_path / "pulled.xlsx", **{"Data source": vendor, "API budget per run": "1000000"})

    assert analyze(exported)[0] == 0
    code, output = analyze(pulled)
    assert code == 0, output

    expected = prospects(exported)
    assert len(expected) > 20
    pd.testing.assert_frame_equal(prospects(pulled), expected)
    lines = imports(pulled)
    for site in SITES:
        for call in ("backlinks", "referring domains"):
            line = lines[f"{vendor} API › {call} › {site}"]
            assert line["Problem"] == "" and int(line["Rows read"]) > 0 and line["Site"] == site
            assert f"pulled from {vendor} ({call}" in line["Notes"]
    assert not any(secret in str(lines) + output for secret in CREDENTIALS.values())

    # between refreshes the kept pulls are read: nothing is asked of the vendor, nothing paid
    asked = len(fake.seen)
    assert analyze(pulled)[0] == 0
    assert len(fake.seen) == asked
    assert "kept pull of" in imports(pulled)[f"{vendor} API › backlinks › billhive.com"]["Notes"]
    pd.testing.assert_frame_equal(
        prospects(pulled)[["Competitors linked", "Overlap"]], expected[["Competitors linked", "Overlap"]]
    )


def test_requests_are_the_documented_ones(fake: VendorFake) -> None:
    budget = Budget(1e9)
    for name in VENDORS:
        http = VendorHttp(CONNECTORS[name.casefold()].vendor)
        for pull in CONNECTORS[name.casefold()].calls.values():
            pull(http, "billhive.com", budget)
        http.close()
    dfs = next(requests_to(fake, "/v3/backlinks/backlinks/live"))
    assert dfs.method == "POST" and dfs.headers["authorization"].startswith("Basic ")
    assert dfs.body == [{"target": "billhive.com", "rank_scale": "one_hundred", "mode": "as_is", "limit": 1000}]
    sem = next(requests_to(fake, "/analytics/v1/"))
    assert sem.method == "GET"
    assert {k: sem.query[k] for k in ("type", "target", "target_type", "display_offset")} == {
        "type": "backlinks", "target": "billhive.com", "target_type": "root_domain", "display_offset": "0"
    }  # fmt: skip
    assert sem.query["export_columns"].startswith("page_ascore,source_title,source_url,target_url,anchor")
    ahr = next(requests_to(fake, "/v3/site-explorer/all-backlinks"))
    assert ahr.headers["authorization"] == "Bearer ahrefs-secret-key"
    assert ahr.query["mode"] == "subdomains" and ahr.query["history"] == "live" and "url_from" in ahr.query["select"]
    moz = next(requests_to(fake, "/v2/links"))
    assert moz.method == "POST" and moz.headers["x-moz-token"] == "moz-secret-token"
    assert moz.body == {"target": "billhive.com", "target_scope": "root_domain", "filter": "external", "limit": 50}
    maj = [r.query for r in requests_to(fake, "/api/json")]
    assert maj[0]["cmd"] == "GetBackLinkData" and maj[0]["item"] == "billhive.com" and maj[0]["datasource"] == "fresh"
    assert maj[0]["Count"] == "50000" and maj[0]["From"] == "0" and maj[0]["app_api_key"] == "majestic-secret-key"
    assert maj[1]["cmd"] == "GetRefDomains" and maj[1]["item0"] == "billhive.com"


def pull(vendor: str, call: str = "backlinks", site: str = "billhive.com", budget: float = 1e9) -> Pulled:
    connector = CONNECTORS[vendor.casefold()]
    http = VendorHttp(connector.vendor)
    try:
        return connector.calls[call](http, site, Budget(budget))
    finally:
        http.close()


def small_pages(monkeypatch: pytest.MonkeyPatch, module: ModuleType, size: int) -> None:
    price: Pricing = module.PRICING
    monkeypatch.setattr(module, "PRICING", Pricing(price.per_request, price.per_row, page_size=size))


# vendor -> (its module, where a backlinks request says its page size, where it says where it starts)
PAGING: dict[str, tuple[ModuleType, Callable[[Request], object], Callable[[Request], object]]] = {
    "DataForSEO": (dataforseo, lambda r: r.body[0]["limit"], lambda r: r.body[0].get("search_after_token")),
    "Semrush": (semrush, lambda r: r.query["display_limit"], lambda r: r.query["display_offset"]),
    "Ahrefs": (ahrefs, lambda r: r.query["limit"], lambda r: None),
    "Moz": (moz, lambda r: r.body["limit"], lambda r: r.body.get("next_token")),
    "Majestic": (majestic, lambda r: r.query["Count"], lambda r: r.query["From"]),
}
BACKLINKS_PATH = {
    "DataForSEO": "/v3/backlinks/backlinks/live", "Semrush": "/analytics/v1/",
    "Ahrefs": "/v3/site-explorer/all-backlinks", "Moz": "/v2/links", "Majestic": "/api/json",
}  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize("vendor", ["DataForSEO", "Semrush", "Moz", "Majestic"])
def test_every_page_is_read(vendor: str, fake: VendorFake, monkeypatch: pytest.MonkeyPatch) -> None:
    module, size, start = PAGING[vendor]
    small_pages(monkeypatch, module, 5)
    pulled = pull(vendor)
    links = SITES["billhive.com"]
    # Semrush says nothing of the total: a last full page is followed by one "ERROR 50 :: NOTHING FOUND"
    last_empty = vendor == "Semrush" and len(links) % 5 == 0
    assert len(links) > 10 and len(pulled.frame) == len(links)
    assert pulled.requests == len(fake.seen) == -(-len(links) // 5) + last_empty
    assert [str(size(r)) for r in fake.seen] == ["5"] * len(fake.seen)
    assert [start(r) for r in fake.seen][:3] in (
        [None, "billhive.com|5", "billhive.com|10"],  # a vendor's own token (the fake's is site|row)
        ["0", "5", "10"],  # a row offset
    )
    assert pulled.unread == ""
    assert sorted(pulled.frame.iloc[:, 0]) == sorted(pull(vendor).frame.iloc[:, 0])  # no row twice, none lost


@pytest.mark.parametrize(
    ("vendor", "call", "module", "cap", "why"),
    [("Ahrefs", "backlinks", ahrefs, "MOST_ROWS", "one Ahrefs call reads at most 5 rows (API v3 has no offset)"),
     ("Majestic", "referring domains", majestic, "MOST_DOMAINS", "GetRefDomains returns at most 5 domains (no From)")],
)  # fmt: skip
def test_a_call_without_paging_says_in_imports_that_its_cap_left_rows_unread(
    vendor: str, call: str, module: ModuleType, cap: str, why: str, fake: VendorFake, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setattr(module, cap, 5)
    book = workbook(tmp_path / "pulled.xlsx", **{"Data source": vendor, "API budget per run": "1000000"})
    code, output = analyze(book)
    assert code == 0, output
    line = imports(book)[f"{vendor} API › {call} › billhive.com"]
    assert int(line["Rows read"]) == 5
    assert f"{why}; further {call} of billhive.com not read" in line["Notes"]
    small = imports(book)[f"{vendor} API › {call} › paypilot.co.uk"]
    assert len(one_per_domain(SITES["paypilot.co.uk"])) < 5 or "not read" in small["Notes"]


# vendor -> a budget that pays for 7 backlinks rows as estimated, and what the 7 rows cost
BUDGETS = {
    "DataForSEO": (0.040215, 0.04021),  # $0.02 a request + $0.00003 a row, twice
    "Semrush": (7 * 40, 7 * 40),
    "Ahrefs": (50 + 7 * 12, 7 * 12),  # estimated at 50 + 12 fields a row, charged max(50, 12 a row)
    "Moz": (7, 7),
    "Majestic": (7, 7),
}


@pytest.mark.parametrize("vendor", VENDORS)
def test_the_budget_stops_the_pull_and_says_what_was_left_unread(
    vendor: str, fake: VendorFake, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    module, size, _ = PAGING[vendor]
    if vendor != "Ahrefs":  # Ahrefs does not page: its one call asks for what the budget pays
        small_pages(monkeypatch, module, 5)
    budget, spent = BUDGETS[vendor]
    now = pd.Timestamp.now(tz="UTC").to_pydatetime()
    sites = ["billhive.com", "paypilot.co.uk"]  # billhive.com as ours: one competitor, no joint call
    run = pull_sites(CONNECTORS[vendor.casefold()], sites, budget, 30, tmp_path, now, ours={"billhive.com"})
    assert run.units == pytest.approx(spent)
    asked = [int(str(size(r))) for r in requests_to(fake, BACKLINKS_PATH[vendor])]
    assert asked == ([7] if vendor == "Ahrefs" else [5, 2])  # then nothing: the rest pays for no row
    (backlinks,) = [e for e in run.exports if "backlinks › billhive.com" in e.name]
    assert len(backlinks.frame) == 7
    read = r"API budget per run reached: 7( of [\d,]+)? rows of backlinks of billhive.com read, the rest left unread"
    assert re.search(read, " ".join(backlinks.notes))  # with the total where the vendor says it
    assert "API budget per run reached: referring domains of billhive.com not read" in run.notes
    assert "API budget per run reached: backlinks of paypilot.co.uk not read" in run.notes


@pytest.mark.parametrize("vendor", ["Semrush", "Moz"])
def test_a_refresh_the_budget_cuts_short_leaves_the_last_whole_pull_in_place(
    vendor: str, fake: VendorFake, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows a refresh could not pay for are unknown, not gone: the kept pull stands in."""
    module, _, _ = PAGING[vendor]
    small_pages(monkeypatch, module, 5)
    now = pd.Timestamp.now(tz="UTC").to_pydatetime()
    sites = ["billhive.com"]
    whole = pull_sites(CONNECTORS[vendor.casefold()], sites, 1e9, 1, tmp_path, now, ours={"billhive.com"})
    (first,) = [e for e in whole.exports if "backlinks › billhive.com" in e.name]
    assert len(first.frame) > 7
    budget, _ = BUDGETS[vendor]
    later = now + timedelta(days=2)  # due again
    run = pull_sites(CONNECTORS[vendor.casefold()], sites, budget, 1, tmp_path, later, ours={"billhive.com"})
    (kept,) = [e for e in run.exports if "backlinks › billhive.com" in e.name]
    assert len(kept.frame) == len(first.frame)
    notes = " ".join(kept.notes)
    assert "kept pull of" in notes and "refresh cut short: API budget per run reached" in notes


def test_a_blank_budget_pulls_nothing(fake: VendorFake, tmp_path: Path) -> None:
    run = pull_sites(
        CONNECTORS["ahrefs"], ["billhive.com"], None, 30, tmp_path, pd.Timestamp.now(tz="UTC").to_pydatetime()
    )
    assert fake.seen == [] and run.exports == []
    assert "API budget per run is blank" in run.notes[0]


@pytest.mark.slow  # each waits the second the answer asks for
@pytest.mark.parametrize("vendor", VENDORS)
def test_a_429_is_waited_for_as_retry_after_says(vendor: str, fake: VendorFake) -> None:
    fake.script.append(Answer(429, '{"error": "rate limited"}', {"Retry-After": "1"}))
    started = time.monotonic()
    pulled = pull(vendor)
    assert time.monotonic() - started >= 1.0
    assert len(fake.seen) == pulled.requests + 1 and len(pulled.frame) == len(SITES["billhive.com"])
    assert fake.seen[0].path == fake.seen[1].path == BACKLINKS_PATH[vendor]


@pytest.mark.parametrize("vendor", VENDORS)
def test_a_429_that_does_not_end_fails_the_call_by_path_only(vendor: str, fake: VendorFake) -> None:
    fake.script.extend(Answer(429, "", {"Retry-After": "0"}) for _ in range(5))
    with pytest.raises(VendorError, match=f"{vendor} answered HTTP 429 after 5 tries") as raised:
        pull(vendor)
    assert not any(secret in raised.value.message for secret in CREDENTIALS.values())
    assert "127.0.0.1" not in raised.value.message  # the URL may hold a key: only the path is named


@pytest.mark.slow
@pytest.mark.parametrize(
    ("vendor", "answer", "problem"),
    [
        ("DataForSEO", Answer(200, (DOCS / "dataforseo_error_40501.json").read_text()),
         "DataForSEO error 40501: Invalid Field"),
        ("Semrush", Answer(200, (DOCS / "semrush_error_132.txt").read_text(), content_type="text/plain"),
         "Semrush error 132: API UNITS BALANCE IS ZERO"),
        ("Ahrefs", Answer(400, (DOCS / "ahrefs_error_400.json").read_text()),
         "Ahrefs error (HTTP 400): invalid value for select: unknown column"),
        ("Moz", Answer(400, (DOCS / "moz_error_400.json").read_text()),
         "Moz error (HTTP 400): Bad Request: target is not a valid URL or domain"),
        ("Majestic", Answer(200, (DOCS / "majestic_error_from.json").read_text()),
         "Majestic error InsufficientRetrievalResUnits: Insufficient retrieval resource units"),
    ],
)  # fmt: skip
def test_a_vendor_error_is_the_reports_problem_and_a_kept_pull_stands_in(
    vendor: str, answer: Answer, problem: str, fake: VendorFake, tmp_path: Path
) -> None:
    book = workbook(tmp_path / "pulled.xlsx", **{"Data source": vendor, "API budget per run": "1000000"})
    fake.script.append(answer)
    code, output = analyze(book)
    assert code == 0, output
    line = imports(book)[f"{vendor} API › backlinks › {m.OUR_DOMAIN}"]
    assert problem in line["Problem"] and int(line["Rows read"]) == 0

    # a refresh that fails keeps the last pull: unknown is not empty
    assert analyze(workbook(tmp_path / "again.xlsx", **{"Data source": vendor, "API budget per run": "1e6",
                                                        "Refresh every (days)": "1"}))[0] == 0  # fmt: skip
    for path in (tmp_path / "pulls").rglob("*.json"):
        path.write_text(path.read_text().replace('"pulled_at": "20', '"pulled_at": "19'))
    fake.script.append(answer)
    assert analyze(book)[0] == 0
    line = imports(book)[f"{vendor} API › backlinks › {m.OUR_DOMAIN}"]
    assert line["Problem"] == "" and int(line["Rows read"]) > 0
    assert "pulling it again failed: " in line["Notes"] and problem in line["Notes"]


def test_unknown_fields_are_noted_in_imports(fake: VendorFake, tmp_path: Path) -> None:
    fake.extra = {"page_from_ai_summary": "new in the API"}
    book = workbook(tmp_path / "pulled.xlsx", **{"Data source": "DataForSEO", "API budget per run": "100"})
    assert analyze(book)[0] == 0
    notes = imports(book)["DataForSEO API › backlinks › billhive.com"]["Notes"]
    assert "fields DataForSEO sent that gapbot does not use yet: page_from_ai_summary" in notes


@pytest.mark.parametrize(
    ("vendor", "variable"),
    [("DataForSEO", "DATAFORSEO_PASSWORD"), ("Semrush", "SEMRUSH_API_KEY"), ("Ahrefs", "AHREFS_API_KEY"),
     ("Moz", "MOZ_API_TOKEN"), ("Majestic", "MAJESTIC_API_KEY")],
)  # fmt: skip
def test_bad_credentials_are_one_line_naming_the_variable(
    vendor: str, variable: str, fake: VendorFake, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(variable, "wrong-secret-value")
    book = workbook(tmp_path / "pulled.xlsx", **{"Data source": vendor, "API budget per run": "1000000"})
    code, output = analyze(book)
    assert code == 1
    assert f"{vendor} refused the credentials" in output and variable in output
    (error,) = [line for line in output.splitlines() if line.startswith("gapbot: error:")]
    assert variable in error and f"{vendor} refused the credentials" in error
    assert "wrong-secret-value" not in output
    assert WorkbookStore(book).read_tab(PROSPECTS.name) is None  # nothing was written


def test_a_missing_credential_is_named(fake: VendorFake, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SEMRUSH_API_KEY")
    code, output = analyze(workbook(tmp_path / "p.xlsx", **{"Data source": "Semrush", "API budget per run": "10"}))
    assert code == 1 and "SEMRUSH_API_KEY is not set" in output


def gap_domains(competitor: str, ours: str) -> set[str]:
    """The competitor's referring domains that do not link to us: what the intersection call lists for it."""
    theirs = {link.source_host.removeprefix("www.") for link in SITES[competitor]}
    return theirs - {link.source_host.removeprefix("www.") for link in SITES[ours]}


@pytest.mark.parametrize("page", [1000, 5])
def test_dataforseo_pulls_the_competitors_referring_domains_in_one_domain_intersection_call(
    page: int, fake: VendorFake, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    small_pages(monkeypatch, dataforseo, page)
    competitors = [site for site in SITES if site != m.OUR_DOMAIN]
    now = pd.Timestamp.now(tz="UTC").to_pydatetime()
    sites = [m.OUR_DOMAIN, *competitors]
    run = pull_sites(CONNECTORS["dataforseo"], sites, 100, 30, tmp_path, now, ours={m.OUR_DOMAIN})

    # ours by its own call; the four competitors by one intersection call (paged by offset), ours left out
    assert [r.body[0]["target"] for r in requests_to(fake, "/v3/backlinks/referring_domains/live")] == [m.OUR_DOMAIN]
    asked = [r.body[0] for r in requests_to(fake, "/v3/backlinks/domain_intersection/live")]
    union = set().union(*(gap_domains(c, m.OUR_DOMAIN) for c in competitors))
    assert len(asked) == -(-len(union) // page)  # the total_count says when the last page was read
    assert asked[0] == {
        "targets": {"1": "billhive.com", "2": "paypilot.co.uk", "3": "tallybook.io", "4": "freelancerbank.com"},
        "exclude_targets": [m.OUR_DOMAIN], "intersection_mode": "partial", "rank_scale": "one_hundred",
        "limit": page, "offset": 0,
    }  # fmt: skip
    assert [a["offset"] for a in asked] == [page * i for i in range(len(asked))]

    for site in competitors:
        (report,) = [e for e in run.exports if e.name == f"DataForSEO API › referring domains › {site}"]
        assert set(report.frame["domain"]) == gap_domains(site, m.OUR_DOMAIN) != set()
        assert list(report.frame.columns) == list(dataforseo.DOMAIN_FIELDS)  # the referring_domains header
        assert f"by one domain_intersection call for {len(competitors)} competitors" in report.notes[0]

    # what the call cost is counted once, shared among the reports
    def cost(rows: int) -> float:  # $0.02 a request, $0.00003 a row
        return -(-rows // page) * 0.02 + rows * 0.00003

    backlinks = sum(cost(len(links)) for links in SITES.values())
    assert run.units == pytest.approx(backlinks + cost(len(one_per_domain(SITES[m.OUR_DOMAIN]))) + cost(len(union)))
    shared = [e.frame.shape[0] for e in run.exports if "referring domains" in e.name and m.OUR_DOMAIN not in e.name]
    assert sum(shared) > len(union)  # a domain linking to two competitors is in both reports
    # four referring_domains calls would cost more: four request prices, and our domains' rows as well
    assert cost(len(union)) < sum(cost(len(one_per_domain(SITES[c]))) for c in competitors)


@pytest.mark.slow
def test_the_intersection_call_is_kept_like_any_pull_and_read_by_analyze(fake: VendorFake, tmp_path: Path) -> None:
    book = workbook(tmp_path / "pulled.xlsx", **{"Data source": "DataForSEO", "API budget per run": "100"})
    assert analyze(book)[0] == 0
    line = imports(book)["DataForSEO API › referring domains › billhive.com"]
    assert line["Problem"] == "" and int(line["Rows read"]) == len(gap_domains("billhive.com", m.OUR_DOMAIN))
    assert "pulled from DataForSEO (referring domains by one domain_intersection call" in line["Notes"]
    asked = len(fake.seen)
    assert analyze(book)[0] == 0 and len(fake.seen) == asked  # between refreshes nothing is asked again
    assert "kept pull of" in imports(book)["DataForSEO API › referring domains › billhive.com"]["Notes"]


def run(book: Path, job: str, when: datetime) -> tuple[JobResult, str]:
    """`job` run on the workbook at `when`, and what it posted."""
    posted = io.StringIO()
    ctx = JobContext(store=WorkbookStore(book), clock=lambda: when, notifier=ConsoleNotifier(posted))
    return run_job(job, JOBS[job], ctx), posted.getvalue()


@pytest.mark.slow
def test_new_data_pulled_that_the_last_analysis_did_not_read_fires_a_rerun_alert_once(
    fake: VendorFake, tmp_path: Path
) -> None:
    book = workbook(tmp_path / "pulled.xlsx", **{"Data source": "Semrush", "API budget per run": "1e9"})
    now = datetime.now(UTC)
    assert run(book, "analyze", now)[0].counts["reports pulled"] == 10
    result, posted = run(book, "rerun-check", now + timedelta(hours=1))
    assert "New data pulled" not in posted  # what the analysis pulled, it read

    # a pull the sheet does not show yet (its analysis stopped before writing, or another run made it)
    later = now + timedelta(days=2)
    pull_sites(CONNECTORS["semrush"], ["billhive.com"], 1e9, 0, tmp_path / "pulls", later)
    result, posted = run(book, "rerun-check", later + timedelta(hours=1))
    assert result.counts["triggers fired"] == 1 and "New data pulled from the vendor" in posted
    when = f"{later:%Y-%m-%d %H:%M}"
    assert f"new data pulled: Semrush API › backlinks › billhive.com (pulled {when})" in posted
    assert f"new data pulled: Semrush API › referring domains › billhive.com (pulled {when})" in posted
    assert "paypilot.co.uk" not in posted
    assert run(book, "rerun-check", later + timedelta(hours=2))[0].counts["triggers fired"] == 0  # said once

    run(book, "analyze", later + timedelta(hours=3))  # reads it: a new baseline
    assert "New data pulled" not in run(book, "rerun-check", later + timedelta(hours=4))[1]


@pytest.mark.slow
def test_the_workers_analyze_is_due_when_a_refresh_of_the_pulls_is(fake: VendorFake, tmp_path: Path) -> None:
    settings = {"Data source": "Moz", "API budget per run": "1e9", "Refresh every (days)": "30",
                "Rerun every (days)": "90"}  # fmt: skip
    book = workbook(tmp_path / "pulled.xlsx", **settings)
    now = datetime.now(UTC)
    run(book, "analyze", now)

    def due(when: datetime) -> str | None:
        return due_reason("analyze", JobContext(store=WorkbookStore(book), clock=lambda: when))

    assert due(now + timedelta(days=29)) is None
    reason = due(now + timedelta(days=30, hours=1))
    assert reason is not None and "Refresh every (days) is 30" in reason and "Moz API ›" in reason
    asked = len(fake.seen)
    run(book, "analyze", now + timedelta(days=30, hours=1))  # the analyze that is due pulls again
    assert len(fake.seen) > asked and due(now + timedelta(days=30, hours=2)) is None


def test_the_units_spent_are_in_the_analysis_digest_and_in_imports(fake: VendorFake, tmp_path: Path) -> None:
    rows = {site: len(links) + len(one_per_domain(links)) for site, links in SITES.items()}
    budget = 40 * (sum(rows.values()) - 3)  # three rows short of everything
    book = workbook(tmp_path / "pulled.xlsx", **{"Data source": "Semrush", "API budget per run": str(budget)})
    result, posted = run(book, "analyze", datetime.now(UTC))

    assert result.counts["API units spent (rounded)"] == budget
    digest = posted.split("Vendor data pulled", 1)[1]
    assert f"{budget:,} API units spent on 10 report(s) pulled from Semrush" in digest
    assert "API budget per run reached:" in digest and "the rest left unread" in digest  # what was not bought
    # each report's Imports line says what it cost; together, what the run spent
    spent = [re.search(r"request\(s\), ([\d,]+) units", line["Notes"]) for line in imports(book).values()]
    assert sum(int(found.group(1).replace(",", "")) for found in spent if found) == budget
