"""What `analyze` hands its digest and rerun baseline is what the sheet holds after the run.

The analysis builds them from the tabs it read and the writes it made, without reading the
sheet again; here they are compared with the sheet read back, team edits included.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.notify import triggers
from bot.notify.analysis_digest import DIGEST_TABS, PROSPECT_COLUMNS, analysis_digest
from bot.notify.sheet import schema_tabs
from jobs import analyze as analyze_module
from jobs.context import JobContext
from jobs.notifications import AnalysisNews, PreparedNotice, export_fingerprints, prepare_after_analyze
from jobs.table import JOBS
from sheets_schema.tabs import MODEL, PROSPECTS
from tests.backends import Backend
from tests.fakes.team import market_tabs


@pytest.mark.slow
def test_the_digest_of_an_analysis_is_the_digest_of_the_sheet_it_leaves(
    backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    news: list[AnalysisNews] = []

    def keep(ctx: JobContext, given: AnalysisNews) -> PreparedNotice:
        news.append(given)
        return prepare_after_analyze(ctx, given)

    monkeypatch.setattr(analyze_module, "prepare_after_analyze", keep)
    # "Raw - ": Excel allows no ":" in a tab name.
    backend.team_tabs({name.replace("Raw: ", "Raw - "): rows for name, rows in market_tabs(12).items()})
    first = datetime(2026, 11, 23, 10, tzinfo=UTC)
    JOBS["init"](JobContext(store=backend.store, clock=lambda: first))
    JOBS["analyze"](JobContext(store=backend.store, clock=lambda: first))
    # The team decides on one prospect, notes another and adds one by hand.
    column = {name: PROSPECTS.names.index(name) + 1 for name in ("Domain", "Next action", "Notes")}
    rows = backend.store.read_tab(PROSPECTS.name)
    assert rows is not None and len(rows) > 2
    backend.team_types(PROSPECTS.name, 2, column["Next action"], "Disqualify / archive")
    backend.team_types(PROSPECTS.name, 3, column["Notes"], "met them at a fair")
    backend.team_types(PROSPECTS.name, len(rows) + 2, column["Domain"], "hand-added.org")
    second = datetime(2026, 11, 30, 10, tzinfo=UTC)
    JOBS["analyze"](JobContext(store=backend.store, clock=lambda: second))

    schemas = (*DIGEST_TABS, MODEL)
    sheet = schema_tabs(backend.store.read_tabs([s.name for s in schemas]), *schemas)
    handed = news[-1].tabs()
    for schema in schemas:
        # of Prospects, the columns the digest reads: the others are not worked out
        columns = list(PROSPECT_COLUMNS) if schema is PROSPECTS else list(schema.names)
        want = sheet[schema.name][columns].to_dict("records")
        assert handed[schema.name][columns].to_dict("records") == want, schema.name
    links = backend.store.tab_link
    assert analysis_digest(handed, links, second.date()) == analysis_digest(sheet, links, second.date())
    inputs = news[-1].inputs
    files, unchecked = export_fingerprints(backend.store, inputs.settings.exports_folder)
    assert unchecked == []
    now = triggers.export_digests(inputs.raw_tabs, files)
    assert dict(news[-1].exports) == now
