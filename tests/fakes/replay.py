"""Replay recorded Google API traffic (vcrpy cassettes) against the fake and compare the answers.

Each recorded run (spreadsheet creation … deletion) goes to a fresh fake. Ids Google created
(spreadsheet, sheet, protected range and named range ids) are mapped to the ones the fake
created, in requests on the way in and in the fake's answers on the way out; timestamps are
masked. Everything else must match: status code and the whole JSON body.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests

from .google import FakeGoogle

ID_KEYS = {"sheetId", "protectedRangeId", "namedRangeId", "spreadsheetId", "id"}
TIME_KEYS = {"createdTime", "modifiedTime"}


# The endpoints gapbot calls (and the team-side calls its tests make through the fake).
GAPBOT_ENDPOINTS = {
    "GET /v4/spreadsheets/{id}",
    "POST /v4/spreadsheets/{id}:batchUpdate",
    "GET /v4/spreadsheets/{id}/values/{range}",
    "PUT /v4/spreadsheets/{id}/values/{range}",
    "POST /v4/spreadsheets/{id}/values/{range}:append",
    "POST /v4/spreadsheets/{id}/values/{range}:clear",
    "GET /v4/spreadsheets/{id}/values:batchGet",
    "POST /v4/spreadsheets/{id}/values:batchUpdate",
    "POST /v4/spreadsheets/{id}/values:batchClear",
    "GET /drive/v3/files/{id}",
    "GET /drive/v3/files",
}
FILE_ID = re.compile(r"/(?:spreadsheets|files)/([A-Za-z0-9_-]{25,})")


@dataclass
class Outcome:
    cassette: str
    index: int
    method: str
    endpoint: str
    same: bool
    recorded: tuple[int, Any]
    answered: tuple[int, Any]
    #: "gapbot" (scored), "other endpoint" (replayed for state only) or "outside the run" (a file
    #: that existed in the recording account before the run, which a fresh fake cannot hold).
    scope: str = "gapbot"


@dataclass
class Ids:
    """Recorded id -> fake id (and back)."""

    real_to_fake: dict[Any, Any] = field(default_factory=dict)

    def learn(self, recorded: Any, answered: Any) -> None:
        """Pair ids found at the same place in the recorded and the fake's answer."""
        if isinstance(recorded, dict) and isinstance(answered, dict):
            for key, value in recorded.items():
                if key not in answered:
                    continue
                if key in ID_KEYS and isinstance(value, str | int) and value != answered[key]:
                    self.real_to_fake.setdefault(value, answered[key])
                else:
                    self.learn(value, answered[key])
        elif isinstance(recorded, list) and isinstance(answered, list):
            for a, b in zip(recorded, answered, strict=False):
                self.learn(a, b)

    def to_fake(self, value: Any) -> Any:
        return self._map(value, self.real_to_fake)

    def to_real(self, value: Any) -> Any:
        return self._map(value, {v: k for k, v in self.real_to_fake.items()})

    def _map(self, value: Any, table: dict[Any, Any]) -> Any:
        if isinstance(value, dict):
            return {k: (self._id(v, table) if k in ID_KEYS else self._map(v, table)) for k, v in value.items()}
        if isinstance(value, list):
            return [self._map(v, table) for v in value]
        if isinstance(value, str):
            for old, new in table.items():
                if isinstance(old, str) and len(old) > 20 and old in value:
                    value = value.replace(old, str(new))
        return value

    @staticmethod
    def _id(value: Any, table: dict[Any, Any]) -> Any:
        if value in table:
            return table[value]
        if isinstance(value, str) and value.isdigit() and int(value) in table:  # ids sent as strings
            return str(table[int(value)])
        return value

    def uri(self, uri: str) -> str:
        for old, new in self.real_to_fake.items():
            if isinstance(old, str) and len(old) > 20:
                uri = uri.replace(old, str(new))
        return uri


def endpoint(method: str, uri: str) -> str:
    path = urlsplit(uri).path
    path = re.sub(r"/spreadsheets/[^/:]+", "/spreadsheets/{id}", path)
    path = re.sub(r"/files/[^/]+", "/files/{id}", path)
    path = re.sub(r"/values/[^:]+", "/values/{range}", path)
    return f"{method} {path}"


def runs(interactions: list[dict[str, Any]]) -> Iterator[list[tuple[int, dict[str, Any]]]]:
    """Interactions split into runs: a run starts at a file creation once every file the previous
    run created has been deleted again."""
    current: list[tuple[int, dict[str, Any]]] = []
    live: set[str] = set()
    for i, it in enumerate(interactions):
        request = it["request"]
        path = urlsplit(request["uri"]).path
        creates = request["method"] == "POST" and path == "/drive/v3/files"
        if creates and current and not live:
            yield current
            current = []
        if creates:
            live.add(str((parse(it["response"]["body"]["string"]) or {}).get("id", "")))
        if request["method"] == "DELETE":
            live.discard(path.rsplit("/", 1)[-1])
        current.append((i, it))
    if current:
        yield current


def masked(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: ("<time>" if k in TIME_KEYS else masked(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [masked(v) for v in value]
    return value


def parse(text: str | bytes) -> Any:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def replay(path: Path) -> list[Outcome]:
    cassette = json.loads(path.read_text(encoding="utf-8"))
    outcomes = []
    for run in runs(cassette["interactions"]):
        fake = FakeGoogle()
        ids = Ids()
        for index, it in run:
            request, response = it["request"], it["response"]
            body = request.get("body")
            if body:
                payload = parse(body)
                body = json.dumps(ids.to_fake(payload)) if not isinstance(payload, str) else body
            scope = "gapbot" if endpoint(request["method"], request["uri"]) in GAPBOT_ENDPOINTS else "other endpoint"
            touched = FILE_ID.findall(urlsplit(request["uri"]).path)
            if any(t not in ids.real_to_fake for t in touched) and response["status"]["code"] != 404:
                scope = "outside the run"
            prepared = requests.Request(request["method"], ids.uri(request["uri"]), data=body).prepare()
            status, _, answer = fake.handle(prepared)
            recorded = parse(response["body"]["string"])
            answered = parse(answer)
            ids.learn(recorded, answered)
            answered = ids.to_real(answered)
            same = status == response["status"]["code"] and masked(answered) == masked(recorded)
            outcomes.append(
                Outcome(
                    path.name,
                    index,
                    request["method"],
                    endpoint(request["method"], request["uri"]),
                    same,
                    (response["status"]["code"], recorded),
                    (status, answered),
                    scope,
                )
            )
    return outcomes
