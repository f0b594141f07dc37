"""An in-memory Google: Sheets API v4, Drive API v3 and the OAuth token endpoint, served to the
real gspread / google-auth clients through `responses`.

    fake = FakeGoogle()
    with fake.serving():
        ... code that talks to https://sheets.googleapis.com ...

`fake.calls` logs every API request (method, path, bytes sent, status); `fake.faults` injects
errors (429, 5xx, timeouts) before a request is applied (and may change the sheet there, as a
teammate would between two requests), `fake.lost_answers` after a write was applied (Google did
the write, the answer never arrived) and `fake.cut_after_writes` cuts a run off after N write
requests.
"""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import json
import re
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import requests
import requests.adapters
import responses

from . import a1
from .masks import mask
from .sheets_model import ApiError, Sheet, Spreadsheet, in_range, not_found
from .sheets_requests import apply_requests, cell_in_validation

SHEET_MIME = "application/vnd.google-apps.spreadsheet"
FOLDER_MIME = "application/vnd.google-apps.folder"
HOSTS = re.compile(r"https://(sheets|www|oauth2)\.googleapis\.com/.*")


@dataclass
class Call:
    method: str
    path: str
    query: dict[str, list[str]]
    sent: int
    status: int = 0
    timeout: object = None
    body: Any = None  # the parsed request body, kept when FakeGoogle.keep_bodies is set

    @property
    def is_write(self) -> bool:
        return self.method != "GET"


@dataclass
class DriveFile:
    id: str
    name: str
    mime_type: str
    parents: list[str] = field(default_factory=list)
    data: bytes = b""
    created: str = ""
    modified: str = ""
    version: int = 1

    def resource(self) -> dict[str, Any]:
        return {
            "kind": "drive#file",
            "id": self.id,
            "name": self.name,
            "mimeType": self.mime_type,
            "parents": self.parents,
            "createdTime": self.created,
            "modifiedTime": self.modified,
            "version": str(self.version),
            "size": str(len(self.data)),
            "trashed": False,
            # Drive gives a checksum for files with content, not for folders or Google Docs files
            **({} if self.mime_type.startswith("application/vnd.google-apps.") else {"md5Checksum": self.md5()}),
        }

    def md5(self) -> str:
        return hashlib.md5(self.data).hexdigest()


class CutOff(requests.exceptions.ConnectionError):
    """The run was cut off (the process died or the network went away)."""


Fault = Callable[[Call], int | str | tuple[int, dict[str, Any]] | None]


class FakeGoogle:
    def __init__(self) -> None:
        self.books: dict[str, Spreadsheet] = {}
        self.files: dict[str, DriveFile] = {}
        self.private: set[str] = set()
        self.calls: list[Call] = []
        #: Each fault sees every request and may answer an HTTP status, "timeout", or None.
        self.faults: list[Fault] = []
        #: Each sees every write Google applied and may replace its answer with a status or "timeout".
        self.lost_answers: list[Fault] = []
        #: The token endpoint refuses the service account's key (deleted, revoked or disabled).
        self.key_revoked = False
        self.cut_after_writes: int | None = None
        self.keep_bodies = False
        self.writes_done = 0
        self._clock = itertools.count()
        self._epoch = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

    # --- set-up helpers for tests ----------------------------------------------------------

    def create_spreadsheet(self, title: str = "gapbot test") -> str:
        file = self._new_file(title, SHEET_MIME, [])
        self.books[file.id] = Spreadsheet.new(file.id, title)
        return file.id

    def add_file(self, name: str, data: bytes, parent: str, mime_type: str = "text/csv") -> str:
        return self._new_file(name, mime_type, [parent], data).id

    def add_folder(self, name: str) -> str:
        return self._new_file(name, FOLDER_MIME, []).id

    def book(self, spreadsheet_id: str) -> Spreadsheet:
        return self.books[spreadsheet_id]

    def api_calls(self) -> list[Call]:
        """Calls to Sheets and Drive (token refreshes left out)."""
        return [c for c in self.calls if not c.path.startswith("/token")]

    def session(self) -> requests.Session:
        """A session whose requests to Google go to this fake (no global patching)."""
        session = requests.Session()
        session.mount("https://", FakeAdapter(self))
        return session

    @contextmanager
    def serving(self) -> Iterator[responses.RequestsMock]:
        with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
            for method in ("GET", "POST", "PUT", "DELETE", "PATCH"):
                mock.add_callback(method, HOSTS, callback=self.handle)
            yield mock

    # --- dispatch --------------------------------------------------------------------------

    def handle(
        self, request: requests.PreparedRequest, timeout: object = None
    ) -> tuple[int, dict[str, str], bytes | str]:
        parts = urlsplit(request.url or "")
        body = request.body or b""
        raw = body.encode() if isinstance(body, str) else bytes(body)  # type: ignore[arg-type]
        call = Call(request.method or "GET", unquote(parts.path), parse_qs(parts.query), len(raw), timeout=timeout)
        self.calls.append(call)
        if parts.netloc.startswith("oauth2"):
            call.path = "/token"
            if self.key_revoked:  # what Google's token endpoint answers for a deleted or disabled key
                call.status = 400
                refusal = {"error": "invalid_grant", "error_description": "Invalid JWT Signature."}
                return 400, {"Content-Type": "application/json"}, json.dumps(refusal)
            call.status = 200
            token = {"access_token": "ya29.fake-" + secrets.token_hex(4), "expires_in": 3599, "token_type": "Bearer"}
            return 200, {"Content-Type": "application/json"}, json.dumps(token)
        if self.cut_after_writes is not None and self.writes_done >= self.cut_after_writes:
            raise CutOff("the run was cut off")
        payload = json.loads(raw) if raw and raw[:1] in (b"{", b"[") else None
        if self.keep_bodies:  # the faults see it too
            call.body = payload
        refused = self.injected(self.faults, call)
        if refused is not None:
            return refused
        try:
            status, reply = self.route(call, payload, raw)
        except ApiError as exc:
            status, reply = exc.code, exc.body()
        call.status = status
        if call.is_write and status < 300:
            self.writes_done += 1
            lost = self.injected(self.lost_answers, call)  # the write stays applied
            if lost is not None:
                return lost
        if isinstance(reply, bytes):
            return status, {"Content-Type": "application/octet-stream"}, reply
        if reply is None:
            return status, {}, b""
        return status, {"Content-Type": "application/json; charset=UTF-8"}, json.dumps(reply)

    def injected(self, hooks: list[Fault], call: Call) -> tuple[int, dict[str, str], str] | None:
        """The error answer the first of `hooks` that gives one injects into `call` (None: none does)."""
        for hook in hooks:
            outcome = hook(call)
            if outcome == "timeout":
                raise requests.exceptions.ReadTimeout("fake read timeout")
            if isinstance(outcome, int):
                call.status = outcome
                return outcome, {"Content-Type": "application/json"}, json.dumps(fault_body(outcome, call))
            if isinstance(outcome, tuple):  # (status, the error body Google would send)
                call.status = outcome[0]
                return outcome[0], {"Content-Type": "application/json"}, json.dumps(outcome[1])
        return None

    def route(self, call: Call, body: Any, raw: bytes) -> tuple[int, Any]:
        path, method, q = call.path, call.method, call.query
        if path.startswith("/drive/v3/files") or path.startswith("/upload/drive"):
            return self.drive(method, path, q, body)
        m = re.match(r"^/v4/spreadsheets/(?P<id>[^/:]+)(?P<rest>.*)$", path)
        if not m:
            raise not_found()
        book_id, rest = m["id"], m["rest"]
        if book_id in self.private:
            raise ApiError(403, "The caller does not have permission", "PERMISSION_DENIED")
        if book_id not in self.books:
            raise not_found()
        book = self.books[book_id]
        if rest == "" and method == "GET":
            return 200, self.metadata(book, q)
        if rest == ":batchUpdate" and method == "POST":
            reply = self.atomic(book, lambda b: self.batch_update(b, body or {}))
            fields = first(q, "fields", "")
            return 200, mask(reply, fields) if fields else reply
        if rest == "/values:batchGet" and method == "GET":
            option = first(q, "valueRenderOption", "FORMATTED_VALUE")
            major = first(q, "majorDimension", "ROWS")
            ranges = [book.read(r, option, major) for r in q.get("ranges", [])]
            return 200, {"spreadsheetId": book.id, "valueRanges": ranges}
        if rest == "/values:batchUpdate" and method == "POST":
            return 200, self.atomic(book, lambda b: values_batch_update(b, body or {}))
        if rest == "/values:batchClear" and method == "POST":
            return 200, self.atomic(
                book, lambda b: {"spreadsheetId": b.id, "clearedRanges": [b.clear(r) for r in (body or {})["ranges"]]}
            )
        v = re.match(r"^/values/(?P<range>.+?)(?P<verb>:append|:clear)?$", rest)
        if not v:
            raise not_found()
        rng = v["range"]
        if v["verb"] == ":clear" and method == "POST":
            return 200, self.atomic(book, lambda b: {"spreadsheetId": b.id, "clearedRange": b.clear(rng)})
        if v["verb"] == ":append" and method == "POST":
            option = required(q, "valueInputOption")
            insert = first(q, "insertDataOption", "OVERWRITE")
            data = body or {}
            return 200, self.atomic(
                book, lambda b: b.append(rng, data.get("values", []), option, insert, data.get("majorDimension"))
            )
        if method == "GET":
            option = first(q, "valueRenderOption", "FORMATTED_VALUE")
            dates = first(q, "dateTimeRenderOption", "SERIAL_NUMBER")
            return 200, book.read(rng, option, first(q, "majorDimension", "ROWS"), dates)
        if method == "PUT":
            option = required(q, "valueInputOption")
            data = body or {}
            return 200, self.atomic(
                book, lambda b: b.write(rng, data.get("values", []), option, data.get("majorDimension"))
            )
        raise not_found()

    def atomic(self, book: Spreadsheet, change: Callable[[Spreadsheet], Any]) -> Any:
        """Apply `change` to a copy and keep it only if it succeeds: Google's writes are all-or-nothing."""
        twin = book.clone()
        reply = change(twin)
        self.books[book.id] = twin
        self.files[book.id].name = twin.title
        self.touch(book.id)
        return reply

    def touch(self, file_id: str) -> None:
        file = self.files[file_id]
        file.version += 1
        file.modified = self.now()

    def now(self) -> str:
        moment = self._epoch + timedelta(milliseconds=37 * next(self._clock))
        return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")

    # --- Sheets: metadata and batchUpdate --------------------------------------------------

    def batch_update(self, book: Spreadsheet, body: dict[str, Any]) -> dict[str, Any]:
        replies = apply_requests(book, body.get("requests", []))
        out: dict[str, Any] = {"spreadsheetId": book.id, "replies": replies}
        if body.get("includeSpreadsheetInResponse"):
            grid = "true" if body.get("responseIncludeGridData") else "false"
            out["updatedSpreadsheet"] = self.metadata(
                book, {"includeGridData": [grid], "ranges": body.get("responseRanges", [])}
            )
        return out

    def metadata(self, book: Spreadsheet, q: dict[str, list[str]]) -> dict[str, Any]:
        grid = first(q, "includeGridData", "false").lower() == "true"
        ranges = q.get("ranges", [])
        wanted: dict[int, list[tuple[int, int, int, int]]] = {}
        for text in ranges:
            sheet, r0, r1, c0, c1, _ = book.resolve(text)
            wanted.setdefault(sheet.id, []).append((r0, min(r1, sheet.row_count), c0, min(c1, sheet.column_count)))
        fields = first(q, "fields", "")
        if "data" in fields:
            grid = True
        out: dict[str, Any] = {
            "spreadsheetId": book.id,
            "properties": {"title": book.title, **{k: v for k, v in book.properties.items() if k != "title"}},
            "sheets": [
                sheet_resource(s, grid, wanted, bool(ranges)) for s in book.sheets if not ranges or s.id in wanted
            ],
        }
        if book.named_ranges:
            out["namedRanges"] = book.named_ranges
        out["spreadsheetUrl"] = f"https://docs.google.com/spreadsheets/d/{book.id}/edit"
        return mask(out, fields) if fields else out

    # --- Drive -----------------------------------------------------------------------------

    def _new_file(self, name: str, mime_type: str, parents: list[str], data: bytes = b"") -> DriveFile:
        file_id = "1" + secrets.token_urlsafe(32)[:43].replace("-", "x")
        now = self.now()
        file = DriveFile(file_id, name, mime_type, parents, data, now, now)
        self.files[file_id] = file
        return file

    def drive(self, method: str, path: str, q: dict[str, list[str]], body: Any) -> tuple[int, Any]:
        m = re.match(r"^/drive/v3/files(?:/(?P<id>[^/]+))?(?P<rest>/export)?$", path)
        if not m:
            raise not_found()
        file_id = m["id"]
        if file_id is None and method == "POST":
            given = body or {}
            file = self._new_file(given.get("name", "Untitled"), given.get("mimeType", ""), given.get("parents", []))
            if file.mime_type == SHEET_MIME:
                self.books[file.id] = Spreadsheet.new(file.id, file.name)
            return 200, {"kind": "drive#file", "id": file.id, "name": file.name, "mimeType": file.mime_type}
        if file_id is None and method == "GET":
            for parent in re.findall(r"'([^']+)'\s+in\s+parents", first(q, "q", "")):
                if parent not in self.files:  # Drive answers 404 for a folder the caller cannot see
                    raise file_not_found(parent)
            found = [f for f in self.files.values() if drive_query(first(q, "q", ""))(f)]
            listing = {"kind": "drive#fileList", "incompleteSearch": False, "files": [f.resource() for f in found]}
            fields = first(q, "fields", "kind,incompleteSearch,files(kind,id,name,mimeType)")
            return 200, mask(listing, fields)
        found_file = self.files.get(file_id or "")
        if found_file is None:
            raise file_not_found(file_id or "")
        file = found_file
        if method == "DELETE":
            del self.files[file.id]
            self.books.pop(file.id, None)
            return 204, None
        if m["rest"] == "/export":
            return 200, self.export_csv(file.id).encode()
        if first(q, "alt", "") == "media":
            if file.mime_type.startswith("application/vnd.google-apps"):
                raise ApiError(
                    403,
                    "Only files with binary content can be downloaded. Use Export with Docs Editors files.",
                    None,
                    errors=[{"domain": "global", "reason": "fileNotDownloadable", "location": "alt"}],
                )
            return 200, file.data
        resource = file.resource()
        return 200, mask(resource, first(q, "fields", "kind,id,name,mimeType"))

    def export_csv(self, file_id: str) -> str:
        book = self.books[file_id]
        values = book.read(a1.quote(book.sheets[0].title)).get("values", [])
        out = io.StringIO()
        csv.writer(out, lineterminator="\r\n").writerows(values)
        return out.getvalue().rstrip("\r\n")


class FakeAdapter(requests.adapters.BaseAdapter):
    """A transport adapter that answers from the fake, as if the request went to Google."""

    def __init__(self, fake: FakeGoogle) -> None:
        super().__init__()
        self.fake = fake

    def send(  # type: ignore[override]
        self, request: requests.PreparedRequest, stream: bool = False, timeout: object = None, **kwargs: Any
    ) -> requests.Response:
        status, headers, body = self.fake.handle(request, timeout)
        response = requests.Response()
        response.status_code = status
        response.headers.update(headers)
        response._content = body.encode() if isinstance(body, str) else body
        response.url = request.url or ""
        response.request = request
        response.encoding = "utf-8"
        return response

    def close(self) -> None:
        pass


def file_not_found(file_id: str) -> ApiError:
    message = f"File not found: {file_id}."
    reason = {
        "message": message,
        "domain": "global",
        "reason": "notFound",
        "location": "fileId",
        "locationType": "parameter",
    }
    return ApiError(404, message, None, errors=[reason])


def first(q: dict[str, list[str]], key: str, default: str) -> str:
    return q.get(key, [default])[0]


def required(q: dict[str, list[str]], key: str) -> str:
    if key not in q:
        raise ApiError(400, f"'{key}' is required but not specified")
    return q[key][0]


def values_batch_update(book: Spreadsheet, body: dict[str, Any]) -> dict[str, Any]:
    option = body.get("valueInputOption")
    if option is None:
        raise ApiError(400, "'valueInputOption' is required but not specified")
    responses_ = [book.write(d["range"], d.get("values", []), option, d.get("majorDimension")) for d in body["data"]]
    sheets = {r["updatedRange"].rsplit("!", 1)[0] for r in responses_}
    out: dict[str, Any] = {"spreadsheetId": book.id}
    if responses_:
        out.update(
            {
                "totalUpdatedRows": sum(r.get("updatedRows", 0) for r in responses_),
                "totalUpdatedColumns": max(r.get("updatedColumns", 0) for r in responses_),
                "totalUpdatedCells": sum(r.get("updatedCells", 0) for r in responses_),
                "totalUpdatedSheets": len(sheets),
            }
        )
    out["responses"] = responses_
    return out


def fault_body(status: int, call: Call) -> dict[str, Any]:
    if status == 429:
        message = (
            "Quota exceeded for quota metric 'Write requests' and limit 'Write requests per minute per user' of "
            "service 'sheets.googleapis.com'."
        )
        return {"error": {"code": 429, "message": message, "status": "RESOURCE_EXHAUSTED"}}
    if status == 403:
        return {
            "error": {
                "code": 403,
                "message": "User rate limit exceeded.",
                "errors": [
                    {"domain": "usageLimits", "reason": "userRateLimitExceeded", "message": "User rate limit exceeded."}
                ],
            }
        }
    statuses = {
        500: "INTERNAL",
        502: "UNAVAILABLE",
        503: "UNAVAILABLE",
        504: "DEADLINE_EXCEEDED",
        408: "DEADLINE_EXCEEDED",
    }
    return {
        "error": {
            "code": status,
            "message": "The service is currently unavailable.",
            "status": statuses.get(status, "UNKNOWN"),
        }
    }


def sheet_resource(
    sheet: Sheet, grid: bool, wanted: dict[int, list[tuple[int, int, int, int]]], ranged: bool
) -> dict[str, Any]:
    out: dict[str, Any] = {"properties": sheet.props}
    if grid:
        spans = wanted.get(sheet.id) or [(0, sheet.row_count, 0, sheet.column_count)]
        out["data"] = [grid_data(sheet, *span) for span in spans]
    if sheet.merges:
        out["merges"] = sheet.merges
    if sheet.conditional:
        out["conditionalFormats"] = sheet.conditional
    if sheet.protected:
        out["protectedRanges"] = [
            {**p, "range": {**p["range"], **({"sheetId": sheet.id} if sheet.id else {})}} for p in sheet.protected
        ]
    if sheet.basic_filter:
        out["basicFilter"] = sheet.basic_filter
    if sheet.charts:
        out["charts"] = sheet.charts
    if sheet.groups:
        key = "columnGroups" if sheet.groups[0]["range"].get("dimension") == "COLUMNS" else "rowGroups"
        out[key] = sheet.groups
    return out


def grid_data(sheet: Sheet, r0: int, r1: int, c0: int, c1: int) -> dict[str, Any]:
    rows = []
    for r in range(r0, r1):
        cells = []
        for c in range(c0, c1):
            cell: dict[str, Any] = {}
            value = sheet.get(r, c)
            if value is not None:
                kind = (
                    "boolValue"
                    if isinstance(value, bool)
                    else "stringValue"
                    if isinstance(value, str)
                    else "numberValue"
                )
                shown = sheet.rendered(r, c, "UNFORMATTED_VALUE")
                entered = {"formulaValue": sheet.formulas[(r, c)]} if (r, c) in sheet.formulas else {kind: shown}
                cell.update(
                    userEnteredValue=entered,
                    effectiveValue={kind: shown},
                    formattedValue=sheet.rendered(r, c, "FORMATTED_VALUE"),
                )
            fmt: dict[str, Any] = {}
            for rng, range_fmt in sheet.range_formats:
                if in_range(rng, r, c, sheet):
                    fmt.update(range_fmt)
            fmt.update(sheet.cell_formats.get((r, c), {}))
            if fmt:
                cell["userEnteredFormat"] = fmt
            if (r, c) in sheet.notes:
                cell["note"] = sheet.notes[(r, c)]
            rule = cell_in_validation(sheet, r, c)
            if rule:
                cell["dataValidation"] = rule
            cells.append(cell)
        while cells and not cells[-1]:
            cells.pop()
        rows.append({"values": cells} if cells else {})
    while rows and not rows[-1]:
        rows.pop()
    out: dict[str, Any] = {}
    if r0:
        out["startRow"] = r0
    if c0:
        out["startColumn"] = c0
    if rows:
        out["rowData"] = rows
    out["rowMetadata"] = [
        {
            "pixelSize": sheet.sizes.get(("ROWS", r), {}).get("pixelSize", 21),
            **{k: v for k, v in sheet.sizes.get(("ROWS", r), {}).items() if k != "pixelSize"},
        }
        for r in range(r0, r1)
    ]
    out["columnMetadata"] = [
        {
            "pixelSize": sheet.sizes.get(("COLUMNS", c), {}).get("pixelSize", 100),
            **{k: v for k, v in sheet.sizes.get(("COLUMNS", c), {}).items() if k != "pixelSize"},
        }
        for c in range(c0, c1)
    ]
    return out


# --- Drive queries ---------------------------------------------------------------------------

CLAUSE = re.compile(
    r"""\s*(?:(?P<in>'(?P<parent>[^']+)'\s+in\s+parents)|(?P<field>\w+)\s*(?P<op>=|!=|contains)\s*(?P<quote>['"])(?P<value>.*?)(?P=quote)|(?P<bfield>trashed)\s*=\s*(?P<bool>true|false))\s*""",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Clause:
    attr: str  # "parent" or a DriveFile attribute
    op: str  # "=", "!=" or "contains"
    value: str

    def matches(self, file: DriveFile) -> bool:
        if self.attr == "parent":
            return self.value in file.parents
        actual = str(getattr(file, self.attr))
        return (
            actual == self.value
            if self.op == "="
            else actual != self.value
            if self.op == "!="
            else self.value in actual
        )


def drive_query(q: str) -> Callable[[DriveFile], bool]:
    tests: list[Clause] = []
    for part in re.split(r"\s+and\s+", q.strip()) if q.strip() else []:
        m = CLAUSE.fullmatch(part)
        if not m:
            raise ApiError(
                400,
                "Invalid Value",
                errors=[
                    {
                        "domain": "global",
                        "reason": "invalid",
                        "message": "Invalid Value",
                        "locationType": "parameter",
                        "location": "q",
                    }
                ],
            )
        if m["in"]:
            tests.append(Clause("parent", "=", m["parent"]))
        elif not m["bfield"]:  # `trashed = …`: nothing in the fake is in the trash
            attr = {"mimeType": "mime_type", "name": "name"}.get(m["field"], m["field"])
            tests.append(Clause(attr, m["op"].lower(), m["value"].replace("\\'", "'")))
    return lambda f: all(t.matches(f) for t in tests)
