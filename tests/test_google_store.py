"""GoogleSheetStore on the fake: formula safety, the look of new tabs, limits, retries, auth, Drive."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pandas as pd
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from google.oauth2 import service_account

from bot.errors import ConfigError, LimitError, StoreError
from bot.stores import EnsureTab, ReplaceTab, SetState, UpsertRows
from bot.stores.google_auth import BASE_SCOPES, KEY_JSON_ENV, load_credentials
from bot.stores.google_retry import GoogleRetryPolicy
from bot.stores.opener import sheet_id
from jobs.context import JobContext
from jobs.table import JOBS
from sheets_schema import ALL_TABS, STATE_TAB
from sheets_schema.tabs import IMPORTS, PROSPECTS
from tests.fakes.google import Call, FakeGoogle
from tests.fakes.sheets_model import Sheet
from tests.fakes.team import google_store, paste_tabs

FORMULA_STARTS = ["=1+1", "+SUM(A1:A2)", "-2+3", "@cmd", '=IMPORTXML("http://evil.example","//a")']


def fresh() -> tuple[FakeGoogle, str]:
    fake = FakeGoogle()
    return fake, fake.create_spreadsheet()


def sheet(fake: FakeGoogle, spreadsheet_id: str, title: str) -> Sheet:
    return next(s for s in fake.book(spreadsheet_id).sheets if s.title == title)


def test_titles_that_look_like_formulas_are_stored_as_text() -> None:
    fake, sid = fresh()
    fake.keep_bodies = True
    store = google_store(fake, sid)
    frame = pd.DataFrame(
        {"Domain": [f"d{i}.com" for i in range(5)], "Page title": FORMULA_STARTS, "Anchor": FORMULA_STARTS}
    )
    store.commit([UpsertRows(PROSPECTS, frame)])
    tab = sheet(fake, sid, "Prospects")
    title_col = tab.rows[0].index("Page title")
    stored = [tab.rows[r][title_col] for r in range(1, 6)]
    assert stored == FORMULA_STARTS  # the text itself, not a computed value
    assert not tab.formulas
    writes = [
        c for c in fake.api_calls() if "/values" in c.path and c.method in ("PUT", "POST") and ":clear" not in c.path
    ]
    assert all(c.query.get("valueInputOption") == ["RAW"] for c in writes if c.query)
    # New rows go in appendCells requests: each text a stringValue, never a formulaValue.
    appended = [
        cell["userEnteredValue"]
        for c in fake.api_calls()
        if c.path.endswith(":batchUpdate") and "/values" not in c.path
        for r in c.body["requests"]
        for row in r.get("appendCells", {}).get("rows", [])
        for cell in row["values"]
        if cell
    ]
    assert appended and all(set(value) <= {"stringValue", "numberValue", "boolValue"} for value in appended)
    assert {v["stringValue"] for v in appended if "stringValue" in v} >= set(FORMULA_STARTS)


def test_new_tabs_look_native() -> None:
    fake, sid = fresh()
    store = google_store(fake, sid)
    store.commit([EnsureTab(t) for t in ALL_TABS])
    prospects = sheet(fake, sid, "Prospects")
    header = prospects.rows[0]
    assert header == PROSPECTS.names
    assert prospects.props["gridProperties"]["frozenRowCount"] == 1
    outcome = header.index("Outcome")
    assert "(you edit this)" in prospects.notes[(0, outcome)]
    assert "(filled by gapbot)" in prospects.notes[(0, header.index("Priority"))]
    rules = {
        (g["startColumnIndex"], r["condition"]["type"], r["showCustomUi"], r["strict"])
        for g, r in prospects.validations
    }
    assert (outcome, "ONE_OF_LIST", True, True) in rules  # strict: a value outside the list is refused
    protected = {p["range"]["startColumnIndex"] for p in prospects.protected}
    assert all(p["warningOnly"] for p in prospects.protected)
    assert protected == {header.index(n) for n in PROSPECTS.bot_columns}
    assert {r["booleanRule"]["condition"]["type"] for r in prospects.conditional} == {
        "CUSTOM_FORMULA",  # Gone rows greyed
        "NUMBER_GREATER_THAN_EQ",
        "TEXT_EQ",
    }
    priority_rules = [
        r for r in prospects.conditional if r["ranges"][0].get("startColumnIndex") == header.index("Priority")
    ]
    assert [r["booleanRule"]["condition"]["values"][0]["userEnteredValue"] for r in priority_rules] == ["70", "40"]
    assert prospects.sizes[("COLUMNS", header.index("Why"))]["pixelSize"] == PROSPECTS.column("Why").width
    state = sheet(fake, sid, STATE_TAB)
    assert state.props.get("hidden") is True
    assert STATE_TAB not in store.tab_names()
    settings = sheet(fake, sid, "Settings")
    assert not settings.protected  # the team's own input tabs are not protected
    # Running init again changes nothing and adds no duplicate rules.
    before = json.dumps(fake.book(sid).clone().sheets[1].props)
    store.commit([EnsureTab(t) for t in ALL_TABS])
    assert len(sheet(fake, sid, "Prospects").conditional) == len(prospects.conditional)
    assert json.dumps(fake.book(sid).sheets[1].props) == before


def test_a_write_that_would_pass_ten_million_cells_is_refused_before_anything_is_written() -> None:
    fake = FakeGoogle()
    sid = paste_tabs(fake, {"Raw: huge": [["URL"]]})
    raw = sheet(fake, sid, "Raw: huge")
    raw.props["gridProperties"].update(rowCount=380_000, columnCount=26)  # 9,880,000 cells typed by the team
    store = google_store(fake, sid)
    frame = pd.DataFrame({"Export": [f"file{i}.csv" for i in range(20_000)]})
    calls_before = len(fake.api_calls())
    with pytest.raises(LimitError) as caught:
        store.commit([ReplaceTab(IMPORTS, frame)])
    assert "10,000,000" in caught.value.message and "cells" in caught.value.message
    assert all(c.method == "GET" for c in fake.api_calls()[calls_before:])


def test_over_the_limit_unused_columns_are_shrunk_before_rows_are_added() -> None:
    fake = FakeGoogle()
    sid = paste_tabs(fake, {"Raw: huge": [["URL"]], "Imports": [IMPORTS.names]})
    sheet(fake, sid, "Raw: huge").props["gridProperties"].update(rowCount=383_000, columnCount=26)
    sheet(fake, sid, "Imports").props["gridProperties"].update(rowCount=1_000, columnCount=200)
    store = google_store(fake, sid)
    store.commit([ReplaceTab(IMPORTS, pd.DataFrame({"Export": [f"f{i}.csv" for i in range(3_000)]}))])
    imports = sheet(fake, sid, "Imports")
    assert imports.column_count == len(IMPORTS.names)
    assert fake.book(sid).cells() <= 10_000_000
    assert len(store.read_tab("Imports")) == 3_000  # type: ignore[arg-type]


def analyze_twice(fake: FakeGoogle, sid: str) -> None:
    jobs = JOBS
    store = google_store(fake, sid)
    clock = itertools.repeat(pd.Timestamp("2026-11-23 10:00", tz="UTC").to_pydatetime())
    for _ in range(2):
        jobs["init"](JobContext(store=store, clock=lambda: next(clock), run_id="run"))
        jobs["analyze"](JobContext(store=store, clock=lambda: next(clock), run_id="run"))


def all_values(fake: FakeGoogle, sid: str) -> dict[str, list[list[object]]]:
    return {s.title: [list(r) for r in s.rows] for s in fake.book(sid).sheets}


@pytest.mark.slow
def test_429_and_503_on_a_third_of_the_calls_give_the_same_sheet(tmp_path: Path) -> None:
    from tests.fakes.team import market_tabs

    calm, stormy = FakeGoogle(), FakeGoogle()
    calm_id = paste_tabs(calm, market_tabs(40))
    stormy_id = paste_tabs(stormy, market_tabs(40))
    counter = itertools.count()

    def every_third(call: Call) -> int | None:
        n = next(counter)
        return (429 if n % 2 else 503) if n % 3 == 0 else None

    stormy.faults.append(every_third)
    analyze_twice(calm, calm_id)
    analyze_twice(stormy, stormy_id)
    assert sum(c.status in (429, 503) for c in stormy.calls) >= len(stormy.calls) // 4
    assert all_values(stormy, stormy_id) == all_values(calm, calm_id)


def test_a_failure_that_never_ends_stops_after_bounded_retries_with_a_clear_error() -> None:
    fake, sid = fresh()
    fake.faults.append(lambda call: 503)
    waits: list[float] = []
    store = google_store(fake, sid, sleep=waits.append, policy=GoogleRetryPolicy(tries=4))
    with pytest.raises(StoreError) as caught:
        store.read_tabs(["Settings"])
    message = caught.value.message
    assert "GET spreadsheets/{id}" in message and "503" in message and "4 times" in message
    assert len(fake.api_calls()) == 4
    assert len(waits) == 3 and all(0 <= w <= GoogleRetryPolicy().max_wait for w in waits)


def test_timeouts_are_set_on_every_request_and_retried() -> None:
    fake, sid = fresh()
    first_two = iter([True, True])
    fake.faults.append(lambda call: "timeout" if next(first_two, False) else None)
    store = google_store(fake, sid)
    store.commit([EnsureTab(PROSPECTS)])
    assert store.read_tab("Prospects") is not None
    assert all(c.timeout == GoogleRetryPolicy().timeout for c in fake.calls)


def test_backoff_waits_grow_and_are_capped() -> None:
    policy = GoogleRetryPolicy(first_wait=1, max_wait=8)
    assert [policy.wait(n, rand=lambda: 1.0) for n in range(6)] == [1, 2, 4, 8, 8, 8]
    assert policy.wait(3, rand=lambda: 0.25) == 2


def service_account_info() -> dict[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    return {
        "type": "service_account",
        "project_id": "team-project",
        "private_key_id": "k1",
        "private_key": pem.decode(),
        "client_email": "gapbot@team-project.iam.gserviceaccount.com",
        "client_id": "1",
        "token_uri": "https://oauth2.googleapis.com/token",
    }


def test_a_sheet_not_shared_with_the_service_account_says_which_email_to_share_with() -> None:
    fake, sid = fresh()
    fake.private.add(sid)
    credentials = load_credentials(env={KEY_JSON_ENV: json.dumps(service_account_info())})
    store = google_store(fake, sid, credentials)
    with pytest.raises(StoreError) as caught:
        store.read_tabs(["Settings"])
    assert "gapbot@team-project.iam.gserviceaccount.com" in caught.value.message
    assert "Share" in caught.value.message
    assert any(c.path == "/token" for c in fake.calls)  # a real token exchange with the (fake) Google


def test_credentials_come_from_a_key_file_or_the_environment(tmp_path: Path) -> None:
    key = tmp_path / "key.json"
    key.write_text(json.dumps(service_account_info()))
    from_file = load_credentials(env={"GOOGLE_APPLICATION_CREDENTIALS": str(key)})
    assert isinstance(from_file, service_account.Credentials)
    assert tuple(from_file.scopes) == BASE_SCOPES
    with pytest.raises(ConfigError) as caught:
        load_credentials(env={KEY_JSON_ENV: "{not json"})
    assert KEY_JSON_ENV in caught.value.message and "private_key" not in caught.value.message
    with pytest.raises(ConfigError, match="does not exist"):
        load_credentials(str(tmp_path / "missing.json"))


def test_version_changes_when_the_sheet_changes_and_only_then() -> None:
    fake, sid = fresh()
    store = google_store(fake, sid)
    first = store.version()
    store.read_tabs(["Prospects"])
    assert store.version() == first
    store.commit([EnsureTab(PROSPECTS)])
    assert store.version() != first


def test_exports_are_read_from_a_shared_drive_folder() -> None:
    fake, sid = fresh()
    folder = fake.add_folder("exports")
    fake.add_file("ahrefs.csv", b"Referring page URL\thttps://a.example/\n", folder)
    fake.add_file(
        "semrush.xlsx", b"PK\x03\x04", folder, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    fake.add_file("screenshot.png", b"\x89PNG", folder, "image/png")
    fake.add_file("elsewhere.csv", b"x", fake.add_folder("other"))
    store = google_store(fake, sid)
    files = store.export_files(f"https://drive.google.com/drive/folders/{folder}?usp=sharing")
    assert [(f.name, f.data[:4], f.note) for f in files] == [
        ("ahrefs.csv", b"Refe", ""),
        ("screenshot.png", b"", "not an export (image/png); left alone"),  # listed, not downloaded
        ("semrush.xlsx", b"PK\x03\x04", ""),
    ]
    with pytest.raises(StoreError, match="share the folder"):
        store.export_files("1" + "x" * 30)


def test_sheet_ids_are_taken_from_urls_too() -> None:
    assert (
        sheet_id("https://docs.google.com/spreadsheets/d/1AbC_dEf-123456789012345/edit#gid=0")
        == "1AbC_dEf-123456789012345"
    )
    with pytest.raises(ConfigError, match="not a Google Sheet ID"):
        sheet_id("my sheet")


def test_the_sheet_option_builds_a_google_store_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.stores.opener import open_store

    monkeypatch.setenv(KEY_JSON_ENV, json.dumps(service_account_info()))
    monkeypatch.delenv("GAPBOT_WORKBOOK", raising=False)
    store = open_store(None, "https://docs.google.com/spreadsheets/d/1AbC_dEf-123456789012345/edit")
    assert store.location == "https://docs.google.com/spreadsheets/d/1AbC_dEf-123456789012345/edit"
    monkeypatch.delenv(KEY_JSON_ENV)
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", "/nonexistent/key.json")
    with pytest.raises(ConfigError, match="does not exist"):
        open_store(None, "1AbC_dEf-123456789012345")


def test_drive_rate_limits_answered_with_403_are_retried_but_a_plain_403_is_not() -> None:
    fake, sid = fresh()
    first = iter([True])
    fake.faults.append(lambda call: 403 if call.path.startswith("/drive") and next(first, False) else None)
    store = google_store(fake, sid)
    assert store.version()  # 403 userRateLimitExceeded (domain usageLimits), then success
    assert [c.status for c in fake.api_calls()] == [403, 200]
    fake.private.add(sid)
    with pytest.raises(StoreError, match="Share"):
        store.read_tabs(["Settings"])
    assert fake.api_calls()[-1].status == 403 and len(fake.api_calls()) == 3  # no retry of a real refusal


#: What Google answers when the Drive API is switched off for the key's project (its documented
#: error shape: a 403 whose domain is usageLimits, so it looks like a rate limit at first sight).
DRIVE_DISABLED = {
    "error": {
        "code": 403,
        "message": "Google Drive API has not been used in project 123 before or it is disabled.",
        "status": "PERMISSION_DENIED",
        "errors": [{"message": "Google Drive API has not been used...", "domain": "usageLimits",
                    "reason": "accessNotConfigured", "extendedHelp": "https://console.developers.google.com"}],
        "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "SERVICE_DISABLED",
                     "domain": "googleapis.com"}],
    }
}  # fmt: skip


def test_a_disabled_drive_api_is_said_at_once_not_retried_as_a_rate_limit() -> None:
    fake, sid = fresh()
    folder = fake.add_folder("exports")
    fake.faults.append(lambda call: (403, DRIVE_DISABLED) if call.path.startswith("/drive") else None)
    store = google_store(fake, sid)
    with pytest.raises(StoreError, match="the Google Drive API is not enabled") as raised:
        store.export_files(folder)
    assert "enable the Google Drive API" in raised.value.message
    assert [c.status for c in fake.api_calls() if c.path.startswith("/drive")] == [403]  # asked once


def test_a_revoked_key_names_the_variable_that_holds_it(monkeypatch: pytest.MonkeyPatch) -> None:
    fake, sid = fresh()
    monkeypatch.setenv(KEY_JSON_ENV, json.dumps(service_account_info()))
    store = google_store(fake, sid, load_credentials())
    fake.key_revoked = True
    with pytest.raises(StoreError, match="Google refused gapbot's service-account key") as raised:
        store.read_tabs(["Settings"])
    assert raised.value.message.startswith(f"{KEY_JSON_ENV}: ")
    assert "create a new key" in raised.value.message


@pytest.mark.slow
def test_analyze_downloads_each_export_once_and_watch_none(tmp_path: Path) -> None:
    """The rerun check after every job compares the exports by Drive's checksums from the folder's
    listing: only `analyze` reads the files, each once."""
    from datetime import UTC, datetime

    from jobs.runner import Runner
    from tests.fakes.team import demo_on_google

    fake = FakeGoogle()
    sid = demo_on_google(fake, tmp_path)
    store = google_store(fake, sid)
    runner = Runner(JOBS, settle=0, alert=None)
    files = [f for f in fake.files.values() if f.mime_type == "text/csv"]

    def downloads(name: str) -> int:
        before = len(fake.calls)
        runner.run(name, JobContext(store=store, clock=lambda: datetime(2026, 11, 23, 10, tzinfo=UTC)))
        return sum(1 for c in fake.calls[before:] if c.query.get("alt") == ["media"])

    assert files and downloads("analyze") == len(files)
    assert downloads("watch") == 0
    fake.files[files[0].id].data += b"\n"  # a teammate drops a new version of one export
    assert downloads("watch") == 0
    assert downloads("analyze") == len(files)


@pytest.mark.slow
def test_an_idle_watch_in_a_fresh_process_is_one_call(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from jobs.runner import Runner
    from tests.fakes.team import demo_on_google

    fake = FakeGoogle()
    sid = demo_on_google(fake, tmp_path)
    clock = datetime(2026, 11, 23, 10, tzinfo=UTC)
    runner = Runner(JOBS, settle=0, alert=None)

    def watch_in_a_new_process() -> list[Call]:
        store = google_store(fake, sid)
        store.version_file = tmp_path / "cache" / f"{sid}-version"
        before = len(fake.api_calls())
        runner.run("watch", JobContext(store=store, clock=lambda: clock))
        return fake.api_calls()[before:]

    runner.run("analyze", JobContext(store=google_store(fake, sid), clock=lambda: clock))
    assert len(watch_in_a_new_process()) > 1  # the first watch reads the sheet and remembers it
    idle = watch_in_a_new_process()
    assert len(idle) == 1 and idle[0].method == "GET" and idle[0].path.startswith("/drive/v3/files/")
    google_store(fake, sid).commit([SetState({"elsewhere": "a write by another machine"})])
    assert len(watch_in_a_new_process()) > 1  # a changed sheet is read again
