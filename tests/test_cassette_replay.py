"""The fake answers recorded real Google traffic identically (tests/fakes/replay.py explains how).

Skipped, with the reason, when the recordings (../shared/sheets-cassettes) are not present.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fakes.replay import Outcome, replay

# ../shared next to the repository (a checkout may sit deeper, so look upwards).
CASSETTES = next(
    (p / "shared" / "sheets-cassettes" for p in Path(__file__).resolve().parents[1:] if (p / "shared").is_dir()),
    Path(__file__).resolve().parents[1].parent / "shared" / "sheets-cassettes",
)

pytestmark = pytest.mark.skipif(
    not CASSETTES.is_dir(), reason=f"the recorded Google traffic is not here ({CASSETTES}); nothing to replay"
)

PRE_EXISTING = "answers list files that existed in the recording account before the run; a fresh fake has none"
IMPORT = "the spreadsheet was filled by a Drive v2 CSV upload (import_csv), which gapbot does not use"
EDITORS = "Google adds the calling account's e-mail as an editor; the replayed traffic does not say who called"
AUTORESIZE = "auto-resized width depends on Google's font metrics; the fake estimates 7 px per character"
STYLES = "Google mirrors every colour into a *Style twin field (backgroundColorStyle); the fake does not"
NAMED_RANGE = "an A1 range naming a named range ('Sheet1'!NamedRange); the fake only parses cell ranges"
GROUPS = "row/column groups set gridProperties.*GroupControlAfter; the fake does not model group controls"

KNOWN_DIFFERENCES = {
    ("ClientTest.test_import_csv.json", 4): IMPORT,
    ("ClientTest.test_import_csv.json", 6): IMPORT,
    ("ClientTest.test_import_csv.json", 7): IMPORT,
    ("ClientTest.test_import_csv.json", 12): IMPORT,
    ("ClientTest.test_import_csv.json", 13): IMPORT,
    ("ClientTest.test_import_csv.json", 14): IMPORT,
    ("ClientTest.test_open_all_has_metadata.json", 3): PRE_EXISTING,
    ("ClientTest.test_open_all_has_metadata.json", 71): PRE_EXISTING,
    ("ClientTest.test_openall.json", 3): PRE_EXISTING,
    ("ClientTest.test_openall.json", 74): PRE_EXISTING,
    ("WorksheetTest.test_add_protected_range_normal.json", 5): EDITORS,
    ("WorksheetTest.test_add_protected_range_warning.json", 5): EDITORS,
    ("WorksheetTest.test_delete_protected_range.json", 5): EDITORS,
    ("WorksheetTest.test_auto_resize_columns.json", 8): AUTORESIZE,
    ("WorksheetTest.test_auto_resize_columns.json", 17): AUTORESIZE,
    ("WorksheetTest.test_format.json", 6): STYLES,
    ("WorksheetTest.test_format.json", 13): STYLES,
    ("WorksheetTest.test_get_values_merge_cells_with_named_range.json", 9): NAMED_RANGE,
    ("WorksheetTest.test_group_columns.json", 6): GROUPS,
    ("WorksheetTest.test_group_columns.json", 8): GROUPS,
    ("WorksheetTest.test_group_columns.json", 15): GROUPS,
    ("WorksheetTest.test_group_columns.json", 17): GROUPS,
    ("WorksheetTest.test_group_rows.json", 6): GROUPS,
    ("WorksheetTest.test_group_rows.json", 8): GROUPS,
    ("WorksheetTest.test_group_rows.json", 15): GROUPS,
    ("WorksheetTest.test_group_rows.json", 17): GROUPS,
}


@pytest.fixture(scope="module")
def outcomes() -> list[Outcome]:
    return [o for path in sorted(CASSETTES.glob("*.json")) for o in replay(path)]


@pytest.mark.slow
def test_the_fake_answers_recorded_traffic_as_google_did(outcomes: list[Outcome]) -> None:
    scored = [o for o in outcomes if o.scope == "gapbot"]
    same = [o for o in scored if o.same]
    different = {(o.cassette, o.index) for o in scored if not o.same}
    print(f"\n{len(same)} of {len(scored)} recorded interactions with gapbot's endpoints answered identically")
    assert len(scored) > 1_400  # every recording was replayed
    assert len(same) / len(scored) >= 0.95
    assert different == set(KNOWN_DIFFERENCES), "update KNOWN_DIFFERENCES (with a reason) or fix the fake"


@pytest.mark.slow
def test_what_is_not_scored_is_only_setup_or_other_endpoints(outcomes: list[Outcome]) -> None:
    """Unscored: Drive create/delete/copy/comments/export/v2 upload, and files made before the run."""
    other = {o.endpoint for o in outcomes if o.scope == "other endpoint"}
    assert other <= {
        "POST /drive/v3/files",
        "DELETE /drive/v3/files/{id}",
        "POST /drive/v3/files/{id}/copy",
        "GET /drive/v3/files/{id}/comments",
        "GET /drive/v3/files/{id}/export",
        "PUT /upload/drive/v2/files/{id}",
    }
    setup = [
        o for o in outcomes if o.scope == "other endpoint" and o.endpoint.startswith(("POST /drive/v3/files", "DELETE"))
    ]
    assert all(o.same for o in setup if o.endpoint in ("POST /drive/v3/files", "DELETE /drive/v3/files/{id}"))
    outside = [o for o in outcomes if o.scope == "outside the run"]
    assert {o.cassette for o in outside} <= {
        "ClientTest.test_open_all_has_metadata.json",
        "ClientTest.test_openall.json",
        "ClientTest.test_copy.json",
        "ClientTest.test_access_private_spreadsheet.json",
    }
