"""Sheets on the fake as a team would have them: pasted tabs, the demo market, a big market."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from google.auth.credentials import AnonymousCredentials, Credentials
from google.auth.transport.requests import AuthorizedSession, Request
from gspread.utils import absolute_range_name

from bot.demo import demo_settings, write_demo
from bot.demo import market as m
from bot.demo.export_writers import semrush_backlinks_rows
from bot.stores import Store, WorkbookStore
from bot.stores.google_retry import RetryingHTTPClient
from bot.stores.google_sheet import GoogleSheetStore
from jobs.context import JobContext
from jobs.table import JOBS
from sheets_schema.tabs import COMPETITORS, SETTINGS, TARGETS

from .google import FakeAdapter, FakeGoogle


def authorized_session(fake: FakeGoogle, credentials: Credentials) -> AuthorizedSession:
    """google-auth's own session (tokens, refresh) with every request, token ones too, going to `fake`."""
    session = AuthorizedSession(credentials, auth_request=Request(fake.session()))
    session.mount("https://", FakeAdapter(fake))
    return session


def google_store(
    fake: FakeGoogle, spreadsheet_id: str, credentials: Credentials | None = None, **kwargs: Any
) -> GoogleSheetStore:
    """A GoogleSheetStore talking to `fake`, retrying without real waits."""
    credentials = credentials or AnonymousCredentials()
    kwargs.setdefault("sleep", lambda seconds: None)
    return GoogleSheetStore(spreadsheet_id, credentials, session=authorized_session(fake, credentials), **kwargs)


def team_client(fake: FakeGoogle) -> RetryingHTTPClient:
    """The team's own access to the sheet (what their browser does), through the same API."""
    return RetryingHTTPClient(AnonymousCredentials(), fake.session())


def paste_tabs(fake: FakeGoogle, tabs: dict[str, list[list[str]]], title: str = "Team sheet") -> str:
    """A new spreadsheet holding exactly these tabs, every cell pasted as plain text."""
    spreadsheet_id = fake.create_spreadsheet(title)
    team = team_client(fake)
    first = fake.book(spreadsheet_id).sheets[0].id
    requests: list[dict[str, Any]] = [{"addSheet": {"properties": {"title": name}}} for name in tabs]
    requests.append({"deleteSheet": {"sheetId": first}})
    team.batch_update(spreadsheet_id, {"requests": requests})
    data = [{"range": absolute_range_name(name, "A1"), "values": rows} for name, rows in tabs.items() if rows]
    if data:
        team.values_batch_update(spreadsheet_id, {"valueInputOption": "RAW", "data": data})
    return spreadsheet_id


def demo_on_google(fake: FakeGoogle, tmp_path: Path) -> str:
    """The demo market as a Google Sheet, its export files in a shared Drive folder."""
    workbook = tmp_path / "demo.xlsx"
    exports = write_demo(workbook)
    folder = fake.add_folder("gapbot exports")
    for path in sorted(exports.iterdir()):
        fake.add_file(path.name, path.read_bytes(), folder)
    source = WorkbookStore(workbook)
    tabs = {}
    for name, frame in source.read_tabs(source.tab_names()).items():
        rows = [list(frame.columns), *frame.astype(str).values.tolist()]
        if name == SETTINGS.name:
            rows = [[*r[:1], folder, *r[2:]] if r[0] == "Exports folder" else r for r in rows]
        tabs[name] = rows
    return paste_tabs(fake, tabs, "Demo sheet")


def market_tabs(prospects: int, first: int = 0, authority_shift: int = 0) -> dict[str, list[list[str]]]:
    """Inputs whose analysis gives `prospects` prospects: one pasted export whose linking domains
    link to one, two or three competitors (so the prospects differ in overlap)."""
    template = m.TALLYBOOK[0]
    competitors = ("https://tallybook.io/", "https://billhive.com/", "https://www.paypilot.co.uk/")
    links = [
        replace(
            template,
            source=f"https://www.site{i:06d}-news.com/resources/invoicing",
            target=target,
            authority=10 + (i * 7 + authority_shift) % 80,
        )
        for i in range(first, first + prospects)
        for target in competitors[: 1 + (i * 5 + authority_shift) % 3]
    ]
    return {
        SETTINGS.name: [SETTINGS.names, *[list(s) for s in demo_settings() if s[0] != "Exports folder"]],
        COMPETITORS.name: [COMPETITORS.names, *map(list, m.COMPETITORS)],
        TARGETS.name: [TARGETS.names, *map(list, m.TARGETS)],
        "Raw: tallybook.io Semrush": semrush_backlinks_rows(links),
    }


def run_jobs(store: Store, names: list[str], when: datetime = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)) -> None:
    """Run jobs on `store` at a fixed time, as one scheduled run would."""
    jobs = JOBS
    for name in names:
        jobs[name](JobContext(store=store, clock=lambda: when, run_id=f"{name}-{when:%Y%m%d}"))
