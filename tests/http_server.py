"""A real HTTP server on 127.0.0.1 for crawler tests and benchmarks.

Routes are plain data (status, headers, body, delay); a route may also be a function of the
request for answers that change between calls. Every request is recorded so tests can check
what the crawler really sent.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    status: int = 200
    body: bytes | str = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    content_type: str = "text/html; charset=utf-8"
    #: Stream this many bytes of filler instead of `body` (for size-cap tests).
    huge: int = 0


@dataclass(frozen=True)
class Seen:
    host: str
    path: str
    headers: dict[str, str]


Handler = Callable[[Seen], Route]


def html(title: str = "", head: str = "", body: str = "") -> str:
    return f"<!doctype html><html><head><title>{title}</title>{head}</head><body>{body}</body></html>"


def redirect(location: str, status: int = 301) -> Route:
    return Route(status, headers={"Location": location})


class LocalServer:
    """`with LocalServer({...}) as server:` serves the routes on `server.base`."""

    def __init__(self, routes: Mapping[str, Route | Handler] | None = None, default_delay: float = 0.0) -> None:
        self.routes: dict[str, Route | Handler] = dict(routes or {})
        self.default_delay = default_delay
        self.seen: list[Seen] = []
        self._lock = threading.Lock()
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out as two writes; without this, Nagle + delayed ACK add 40 ms each.
            disable_nagle_algorithm = True

            def do_GET(self) -> None:
                host = self.headers.get("Host", "").rsplit(":", 1)[0].lower()
                seen = Seen(host, self.path, {k.lower(): v for k, v in self.headers.items()})
                with server._lock:
                    server.seen.append(seen)
                route = server.route_for(seen)
                time.sleep(route.delay or server.default_delay)
                body = route.body.encode() if isinstance(route.body, str) else route.body
                try:
                    self.send_response(route.status)
                    if route.content_type:
                        self.send_header("Content-Type", route.content_type)
                    for name, value in route.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(route.huge or len(body)))
                    self.end_headers()
                    if route.huge:
                        for chunk in _filler(route.huge):
                            self.wfile.write(chunk)
                    else:
                        self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True

            def log_message(self, format: str, *args: object) -> None:
                return

        class _Server(ThreadingHTTPServer):
            daemon_threads = True
            request_queue_size = 1024

        self.httpd = _Server(("127.0.0.1", 0), _Handler)
        self.port = self.httpd.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, args=(0.02,), daemon=True)

    def route_for(self, seen: Seen) -> Route:
        path = seen.path.split("?", 1)[0]
        found = self.routes.get(f"{seen.host}{seen.path}") or self.routes.get(seen.path) or self.routes.get(path)
        if found is None:
            return Route(404, html("Not found"))
        return found(seen) if callable(found) else found

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def hits(self, path: str) -> int:
        return sum(1 for s in self.seen if s.path == path)

    def __enter__(self) -> LocalServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _filler(size: int) -> Iterator[bytes]:
    chunk = b"<p>" + b"x" * 65_530 + b"</p>\n"
    sent = 0
    while sent < size:
        part = chunk[: size - sent]
        sent += len(part)
        yield part
