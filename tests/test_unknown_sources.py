"""A source that cannot be read is unknown, not empty: the run stops before writing anything, and
no prospect turns Gone because of what could not be seen."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from bot.demo import write_demo
from bot.errors import InputError
from bot.settings import parse_settings
from bot.stores import MemoryStore, WorkbookStore
from jobs.cli import main
from jobs.context import JobContext
from jobs.table import JOBS
from sheets_schema.tabs import LINKS, NOISE, PROSPECTS, SETTINGS, TARGET_HEALTH, TARGETS


def analyze(path: Path) -> None:
    JOBS["analyze"](JobContext(store=WorkbookStore(path)))


def tabs(path: Path) -> dict[str, pd.DataFrame]:
    store = WorkbookStore(path)
    read = {name: store.read_tab(name) for name in (PROSPECTS.name, LINKS.name, NOISE.name)}
    return {name: frame for name, frame in read.items() if frame is not None}


def assert_unchanged(path: Path, before: dict[str, pd.DataFrame]) -> None:
    after = tabs(path)
    for name, frame in before.items():
        pd.testing.assert_frame_equal(after[name], frame)


@pytest.fixture
def analysed(tmp_path: Path) -> tuple[Path, Path]:
    workbook = tmp_path / "market.xlsx"
    exports = write_demo(workbook)
    analyze(workbook)
    return workbook, exports


def test_an_exports_folder_that_is_gone_stops_the_run_and_changes_nothing(analysed: tuple[Path, Path]) -> None:
    workbook, exports = analysed
    before = tabs(workbook)
    assert (before[PROSPECTS.name]["Status"] != "Gone").all()
    exports.rename(exports.with_name("unmounted"))  # an unmounted share, a renamed folder

    with pytest.raises(InputError, match="the exports folder does not exist; nothing was written") as raised:
        analyze(workbook)
    assert "Settings › Exports folder" in raised.value.message
    assert_unchanged(workbook, before)

    result = CliRunner().invoke(main, ["--workbook", str(workbook), "analyze"])
    assert result.exit_code != 0
    assert "the exports folder does not exist; nothing was written" in result.output


def test_an_exports_folder_that_came_up_empty_stops_the_run_and_changes_nothing(analysed: tuple[Path, Path]) -> None:
    workbook, exports = analysed
    before = tabs(workbook)
    kept = exports.with_name("elsewhere")
    exports.rename(kept)
    exports.mkdir()  # a mount point whose share did not mount: there, but empty

    with pytest.raises(InputError, match="the exports folder holds no export now") as raised:
        analyze(workbook)
    assert "Settings › Exports folder" in raised.value.message
    assert_unchanged(workbook, before)

    exports.rmdir()
    kept.rename(exports)
    (exports / sorted(p.name for p in exports.iterdir())[0]).unlink()  # one export removed on purpose
    analyze(workbook)
    assert (tabs(workbook)[PROSPECTS.name]["Status"] == "Gone").any()


def test_the_rerun_check_says_it_could_not_check_an_exports_folder_that_is_gone(analysed: tuple[Path, Path]) -> None:
    workbook, exports = analysed
    exports.rename(exports.with_name("unmounted"))

    result = CliRunner().invoke(main, ["--workbook", str(workbook), "rerun-check"])
    assert result.exit_code == 0, result.output  # an alert check: it reports what it could not see
    assert "could not check the exports folder for new files" in result.output
    assert "Time to rerun" not in result.output


def test_an_export_read_last_run_that_is_damaged_now_stops_the_run(analysed: tuple[Path, Path]) -> None:
    workbook, exports = analysed
    before = tabs(workbook)
    damaged = next(exports.glob("billhive.com-*"))
    damaged.write_bytes(b"\x00\x01\x02 not an export any more \xff" * 50)

    with pytest.raises(InputError, match="read on the last run could not be read now") as raised:
        analyze(workbook)
    assert damaged.name in raised.value.message
    after = tabs(workbook)
    pd.testing.assert_frame_equal(after[PROSPECTS.name], before[PROSPECTS.name])

    damaged.unlink()  # removed on purpose: not a fault, its prospects may turn Gone
    analyze(workbook)
    assert (tabs(workbook)[PROSPECTS.name]["Status"] == "Gone").any()


@pytest.mark.parametrize("typed", ["English", "en-GB", "EN", "english, Deutsch", "en_US; fr"])
def test_market_languages_as_people_type_them(typed: str) -> None:
    settings = parse_settings(pd.DataFrame({"Setting": ["Market languages"], "Value": [typed]}))
    assert "en" in settings.market_languages
    assert settings.problems == ()


def test_an_unknown_market_language_is_reported_not_guessed() -> None:
    settings = parse_settings(pd.DataFrame({"Setting": ["Market languages"], "Value": ["en, Elvish"]}))
    assert settings.market_languages == frozenset({"en"})
    assert settings.problems[0].startswith("Settings row 2: Market languages 'Elvish' not understood")


def test_health_without_network_could_not_check_and_flags_nothing() -> None:
    target = "https://ours.io/invoice-template"
    prospect = dict.fromkeys(PROSPECTS.names, "") | {
        "Domain": "a.org",
        "Why": "links to 2 rivals",
        "Target page": target,
    }
    store = MemoryStore(
        {
            SETTINGS.name: [SETTINGS.names, ["Our domains", "ours.io", ""]],
            TARGETS.name: [TARGETS.names, [target, "", "invoicing", "Template", "Yes"]],
            PROSPECTS.name: [PROSPECTS.names, [prospect[c] for c in PROSPECTS.names]],
        }
    )
    JOBS["health"](JobContext(store=store))  # the tests' resolver knows no name: as offline
    health = store.read_tab(TARGET_HEALTH.name)
    assert health is not None
    assert list(health["Verdict"]) == ["Could not check"]
    assert health["Reasons"].iloc[0].startswith("could not be checked: name does not resolve")
    prospects = store.read_tab(PROSPECTS.name)
    assert prospects is not None and prospects["Why"].iloc[0] == "links to 2 rivals"


def test_a_key_typed_in_another_spelling_of_a_listed_prospect_is_reported(analysed: tuple[Path, Path]) -> None:
    workbook, _ = analysed
    prospects = WorkbookStore(workbook).read_tab(PROSPECTS.name)
    assert prospects is not None and "kent-uni.ac.uk" in set(prospects["Domain"])
    row = len(prospects) + 2
    book = load_workbook(workbook)
    book[PROSPECTS.name].cell(row=row, column=1).value = "KENT-UNI.AC.UK"  # as a teammate types it
    book.save(workbook)
    result = JOBS["analyze"](JobContext(store=WorkbookStore(workbook)))
    said = f"Prospects row {row}: 'KENT-UNI.AC.UK' is kent-uni.ac.uk as gapbot writes it, which has its own row"
    assert any(note.startswith(said) for note in result.notes)


def test_a_zip_read_last_run_that_is_damaged_now_stops_the_run(analysed: tuple[Path, Path]) -> None:
    workbook, exports = analysed
    inside = next(exports.glob("billhive.com-*"))
    archive = exports / "billhive.zip"
    with zipfile.ZipFile(archive, "w") as packed:
        packed.write(inside, inside.name)
    inside.unlink()
    analyze(workbook)  # read through the ZIP: Imports names `billhive.zip › …`
    before = tabs(workbook)
    archive.write_bytes(b"PK\x03\x04" + b"\x00" * 64)  # a download cut short
    with pytest.raises(InputError, match="read on the last run could not be read now"):
        analyze(workbook)
    pd.testing.assert_frame_equal(tabs(workbook)[PROSPECTS.name], before[PROSPECTS.name])
