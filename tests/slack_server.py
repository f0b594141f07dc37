"""A real local HTTP server that speaks the parts of the Slack Web API gapbot uses.

It checks what Slack checks (token, channel, Block Kit limits), records every call with its
arrival time, and can be told to answer with 429 + Retry-After, 500s, ok:false errors, or to go
down entirely (connection refused) and come back on the same port.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

TOKEN = "xoxb-test-0000-secret-token"
WEBHOOK_PATH = "/services/T0000/B0000/webhooksecret0000"
CHANNELS = {"C0LINKS01": "link-building", "C0RANDOM1": "random", "C0OTHER01": "marketing"}


@dataclass
class Call:
    method: str
    at: float
    auth: str
    body: dict[str, Any]
    raw: bytes = b""


@dataclass
class Reply:
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)


def block_problems(blocks: list[dict[str, Any]]) -> list[str]:
    """What real Slack answers `invalid_blocks` for (the limits gapbot must keep)."""
    problems = []
    if len(blocks) > 50:
        problems.append(f"{len(blocks)} blocks (max 50)")
    for b in blocks:
        text = (b.get("text") or {}).get("text", "")
        if b["type"] == "section" and len(text) > 3000:
            problems.append(f"section text of {len(text)} chars (max 3000)")
        if b["type"] == "header" and len(text) > 150:
            problems.append(f"header of {len(text)} chars (max 150)")
    return problems


class SlackServer:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.messages: list[dict[str, Any]] = []  # accepted chat.postMessage bodies, in order
        self.webhook_messages: list[dict[str, Any]] = []
        self.uploads: dict[str, bytes] = {}
        self.completed: list[dict[str, Any]] = []  # accepted files.completeUploadExternal bodies
        self.scripted: dict[str, deque[Reply]] = {}
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.port = 0

    # --- life cycle ---------------------------------------------------------------------------

    def start(self) -> SlackServer:
        server = _Server(("127.0.0.1", self.port), _Handler)
        server.slack = self
        self.port = server.server_address[1]
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
        self._thread.start()
        return self

    def down(self) -> None:
        """Stop answering: connections are refused until `start()` brings it back on the same port."""
        assert self._server is not None and self._thread is not None
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
        self._server = None

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    @property
    def webhook_url(self) -> str:
        return f"http://127.0.0.1:{self.port}{WEBHOOK_PATH}"

    def script(self, method: str, *replies: Reply) -> None:
        """Answer the next calls of `method` with these replies, in order, then behave normally."""
        self.scripted.setdefault(method, deque()).extend(replies)

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    # --- the API ------------------------------------------------------------------------------

    def handle(self, method: str, auth: str, body: dict[str, Any], raw: bytes) -> Reply:
        with self._lock:
            self.calls.append(Call(method, time.monotonic(), auth, body, raw))
            queue = self.scripted.get(method)
            if queue:
                return queue.popleft()
        if method == "webhook":
            return self._webhook(body)
        if method == "upload":
            return Reply(200, "OK")
        if auth != f"Bearer {TOKEN}":
            return Reply(200, {"ok": False, "error": "invalid_auth"})
        handler = getattr(self, "api_" + method.replace(".", "_"), None)
        if handler is None:
            return Reply(200, {"ok": False, "error": "unknown_method"})
        return handler(body)

    def api_auth_test(self, body: dict[str, Any]) -> Reply:
        return Reply(200, {"ok": True, "team": "Ledgerly", "user": "gapbot", "bot_id": "B0GAPBOT"})

    def _channel_id(self, channel: str) -> str | None:
        if channel in CHANNELS:
            return channel
        by_name = {v: k for k, v in CHANNELS.items()}
        return by_name.get(channel.lstrip("#"))

    def api_chat_postMessage(self, body: dict[str, Any]) -> Reply:
        channel = self._channel_id(str(body.get("channel", "")))
        if channel is None:
            return Reply(200, {"ok": False, "error": "channel_not_found"})
        if not body.get("text") and not body.get("blocks"):
            return Reply(200, {"ok": False, "error": "no_text"})
        blocks = body.get("blocks") or []
        if isinstance(blocks, str):
            blocks = json.loads(blocks)
        if block_problems(blocks):
            return Reply(200, {"ok": False, "error": "invalid_blocks", "errors": block_problems(blocks)})
        with self._lock:
            self.messages.append({**body, "blocks": blocks})
            ts = f"{time.time():.6f}"
        return Reply(200, {"ok": True, "channel": channel, "ts": ts})

    def api_conversations_list(self, body: dict[str, Any]) -> Reply:
        # Two pages, as a big workspace would answer, to exercise the cursor.
        ids = sorted(CHANNELS)
        start = int(body.get("cursor") or 0)
        page = ids[start : start + 2]
        nxt = str(start + 2) if start + 2 < len(ids) else ""
        return Reply(
            200,
            {
                "ok": True,
                "channels": [{"id": i, "name": CHANNELS[i]} for i in page],
                "response_metadata": {"next_cursor": nxt},
            },
        )

    def api_files_getUploadURLExternal(self, body: dict[str, Any]) -> Reply:
        file_id = f"F{len(self.uploads) + len(self.calls):08d}"
        self.uploads.setdefault(file_id, b"")
        return Reply(
            200, {"ok": True, "file_id": file_id, "upload_url": f"http://127.0.0.1:{self.port}/upload/{file_id}"}
        )

    def api_files_completeUploadExternal(self, body: dict[str, Any]) -> Reply:
        channel = str(body.get("channel_id", ""))
        if channel not in CHANNELS:
            return Reply(200, {"ok": False, "error": "invalid_channel" if channel else "channel_not_found"})
        files = json.loads(body["files"])
        if any(not self.uploads.get(f["id"]) for f in files):
            return Reply(200, {"ok": False, "error": "file_not_found"})
        with self._lock:
            self.completed.append({**body, "files": files})
        return Reply(200, {"ok": True, "files": [{"id": f["id"], "title": f.get("title", "")} for f in files]})

    def _webhook(self, body: dict[str, Any]) -> Reply:
        blocks = body.get("blocks") or []
        if block_problems(blocks):
            return Reply(400, "invalid_blocks")
        if not body.get("text") and not blocks:
            return Reply(400, "no_text")
        with self._lock:
            self.webhook_messages.append(body)
        return Reply(200, "ok")


@contextmanager
def running() -> Iterator[SlackServer]:
    server = SlackServer().start()
    try:
        yield server
    finally:
        if server._server is not None:
            server.down()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    slack: SlackServer


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
        pass

    def do_GET(self) -> None:
        self.do_POST()

    def do_POST(self) -> None:
        url = urlsplit(self.path)
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if url.path.startswith("/api/"):
            method = url.path[len("/api/") :]
        elif url.path.startswith("/upload/"):
            method = "upload"
        elif url.path == WEBHOOK_PATH:
            method = "webhook"
        else:
            self._send(Reply(404, "no_service"))
            return
        if method == "upload":
            body: dict[str, Any] = {}
            self.server.slack.uploads[url.path.rsplit("/", 1)[1]] = raw
        else:
            body = _parse(raw, self.headers.get("Content-Type", ""), url.query)
        self._send(self.server.slack.handle(method, self.headers.get("Authorization", ""), body, raw))

    def _send(self, reply: Reply) -> None:
        data = reply.body if isinstance(reply.body, str) else json.dumps(reply.body)
        payload = data.encode()
        self.send_response(reply.status)
        ctype = "text/plain" if isinstance(reply.body, str) else "application/json; charset=utf-8"
        self.send_header("Content-Type", ctype)
        for k, v in reply.headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


def _parse(raw: bytes, content_type: str, query: str) -> dict[str, Any]:
    body: dict[str, Any] = {k: v[0] for k, v in parse_qs(query).items()}
    if "application/json" in content_type and raw:
        body.update(json.loads(raw))
    elif "x-www-form-urlencoded" in content_type:
        body.update({k: v[0] for k, v in parse_qs(raw.decode()).items()})
    return body
