"""Every request gapbot sends is valid for the official API description (discovery documents).

The documents ship in google-api-python-client (googleapiclient/discovery_cache/documents/);
they cover the calls no recording does: dropdowns, conditional formats, protection, sorting.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import googleapiclient
import pandas as pd
import pytest

from bot.stores import ReplaceTab
from sheets_schema.tabs import IMPORTS
from tests.fakes.google import Call, FakeGoogle
from tests.fakes.team import demo_on_google, google_store, run_jobs

DOCUMENTS = Path(googleapiclient.__file__).parent / "discovery_cache" / "documents"

# (method, path suffix) -> (document, resource path, method name)
METHODS = {
    ("GET", "spreadsheet"): ("sheets.v4", ["spreadsheets"], "get"),
    ("POST", ":batchUpdate"): ("sheets.v4", ["spreadsheets"], "batchUpdate"),
    ("GET", "values:batchGet"): ("sheets.v4", ["spreadsheets", "values"], "batchGet"),
    ("POST", "values:batchUpdate"): ("sheets.v4", ["spreadsheets", "values"], "batchUpdate"),
    ("POST", ":append"): ("sheets.v4", ["spreadsheets", "values"], "append"),
    ("GET", "drive file"): ("drive.v3", ["files"], "get"),
    ("GET", "drive files"): ("drive.v3", ["files"], "list"),
}


def method_of(call: Call) -> tuple[str, str]:
    if call.path.startswith("/drive/v3/files/"):
        return call.method, "drive file"
    if call.path == "/drive/v3/files":
        return call.method, "drive files"
    for suffix in ("values:batchGet", "values:batchUpdate", ":append", ":batchUpdate"):
        if call.path.endswith(suffix):
            return call.method, suffix
    return call.method, "spreadsheet"


class Checker:
    def __init__(self, name: str) -> None:
        self.doc = json.loads((DOCUMENTS / f"{name}.json").read_text(encoding="utf-8"))
        self.fields = 0

    def method(self, resources: list[str], name: str) -> dict[str, Any]:
        node: dict[str, Any] = self.doc
        for resource in resources:
            node = node["resources"][resource]
        return node["methods"][name]

    def check(self, value: Any, schema: dict[str, Any], where: str, errors: list[str]) -> None:
        if "$ref" in schema:
            schema = self.doc["schemas"][schema["$ref"]]
        self.fields += 1
        kind = schema.get("type")
        if kind == "object" and isinstance(value, dict):
            props = schema.get("properties", {})
            extra = schema.get("additionalProperties")
            for key, item in value.items():
                if key in props:
                    self.check(item, props[key], f"{where}.{key}", errors)
                elif extra is not None:
                    self.check(item, extra, f"{where}.{key}", errors)
                else:
                    errors.append(f"{where}.{key}: no such field")
        elif kind == "array" and isinstance(value, list):
            for i, item in enumerate(value):
                self.check(item, schema["items"], f"{where}[{i}]", errors)
        elif kind == "any":
            return
        elif not matches(value, kind):
            errors.append(f"{where}: {value!r} is not {kind}")
        elif "enum" in schema and value not in schema["enum"]:
            errors.append(f"{where}: {value!r} is not one of {schema['enum']}")

    def check_query(self, query: dict[str, list[str]], method: dict[str, Any], where: str, errors: list[str]) -> None:
        known = {**self.doc.get("parameters", {}), **method.get("parameters", {})}
        for key, values in query.items():
            spec = known.get(key)
            if spec is None:
                errors.append(f"{where}?{key}: no such parameter")
            elif "enum" in spec and any(v not in spec["enum"] for v in values):
                errors.append(f"{where}?{key}={values}: not one of {spec['enum']}")


def matches(value: Any, kind: str | None) -> bool:
    if kind == "object":
        return isinstance(value, dict)
    if kind == "array":
        return isinstance(value, list)
    if kind == "string":
        return isinstance(value, str)
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "boolean":
        return isinstance(value, bool)
    return True


@pytest.mark.slow
def test_every_request_gapbot_sends_matches_the_discovery_documents(tmp_path: Path) -> None:
    fake = FakeGoogle()
    fake.keep_bodies = True
    sid = demo_on_google(fake, tmp_path)
    mark = len(fake.calls)
    store = google_store(fake, sid)
    run_jobs(store, ["init", "analyze", "analyze"])
    store.commit([ReplaceTab(IMPORTS, pd.DataFrame({"Export": [f"{i}.csv" for i in range(300)]}))])
    store.commit([ReplaceTab(IMPORTS, pd.DataFrame({"Export": ["only.csv"]}))])  # shrinks: trims rows
    store.read_state()
    store.version()
    calls = fake.api_calls()[mark:]
    checkers = {name: Checker(name) for name in ("sheets.v4", "drive.v3")}
    errors: list[str] = []
    bodies = 0
    for call in calls:
        key = method_of(call)
        assert key in METHODS, f"gapbot called {call.method} {call.path}, which this check does not know"
        document, resources, name = METHODS[key]
        checker = checkers[document]
        method = checker.method(resources, name)
        where = f"{document} {'.'.join(resources)}.{name}"
        checker.check_query(call.query, method, where, errors)
        if call.body is not None:
            bodies += 1
            checker.check(call.body, method["request"], where, errors)
    kinds = {r for c in calls if c.body for r in (next(iter(q)) for q in c.body.get("requests", []))}
    print(f"\nchecked {len(calls)} requests ({bodies} bodies, {sum(c.fields for c in checkers.values())} fields)")
    print("batchUpdate request kinds:", ", ".join(sorted(kinds)))
    assert not errors, "\n".join(errors[:20])
    assert {
        "addSheet",
        "setDataValidation",
        "addConditionalFormatRule",
        "addProtectedRange",
        "sortRange",
        "deleteDimension",
    } <= kinds


def test_the_checker_rejects_what_the_api_would() -> None:
    checker = Checker("sheets.v4")
    method = checker.method(["spreadsheets"], "batchUpdate")
    errors: list[str] = []
    bad = {"requests": [{"setDataValidation": {"range": {"sheetId": "x"}, "rule": {"showCustomUI": True}}}]}
    checker.check(bad, method["request"], "batchUpdate", errors)
    checker.check_query(
        {"valueInputOption": ["FORMULA"]}, checker.method(["spreadsheets", "values"], "append"), "append", errors
    )
    assert len(errors) == 3, errors
