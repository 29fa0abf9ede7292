"""A local HTTP server for resource tests: serves a directory with HTTP Range support (htslib's remote tabix
queries and resumable downloads both need it), logs requests, and can be told to drop a connection partway.
It runs in a forked process: htslib's reads hold the GIL, so a server thread in the test process could not
answer them. No test reaches the network: everything is served from 127.0.0.1."""

from __future__ import annotations

import json
import multiprocessing
import re
import tempfile
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class RangeServer:
    def __init__(self, root: Path, *, cut_after: dict[str, int] | None = None) -> None:
        self.root = root
        self.cut_after = dict(cut_after or {})  # URL path -> bytes to send before dropping the connection (once)
        self._log = Path(tempfile.mkstemp(suffix=".requests")[1])
        self._port = multiprocessing.get_context("fork").Queue()
        self._proc = multiprocessing.get_context("fork").Process(target=self._serve, daemon=True)

    @property
    def requests(self) -> list[tuple[str, str]]:
        """(path, Range header) of every request so far."""
        return [tuple(json.loads(line)) for line in self._log.read_text().splitlines()]  # type: ignore[misc]

    def _serve(self) -> None:
        server, root, log = self, self.root, self._log

        class Handler(SimpleHTTPRequestHandler):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, directory=str(root), **kwargs)

            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                path = Path(self.translate_path(self.path))
                with log.open("a") as fh:
                    fh.write(json.dumps([self.path, self.headers.get("Range", "")]) + "\n")
                if not path.is_file():
                    self.send_error(404)
                    return
                size = path.stat().st_size  # only the asked range is read: large (sparse) files stay cheap
                start, end, status = 0, size - 1, 200
                m = re.match(r"bytes=(\d+)-(\d*)", self.headers.get("Range", ""))
                if m:
                    start = int(m.group(1))
                    end = min(int(m.group(2)) if m.group(2) else size - 1, size - 1)
                    status = 206
                    if start >= size:
                        self.send_response(416)
                        self.send_header("Content-Range", f"bytes */{size}")
                        self.end_headers()
                        return
                with path.open("rb") as fh:
                    fh.seek(start)
                    body = fh.read(end + 1 - start)
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Accept-Ranges", "bytes")
                self.send_header("Access-Control-Allow-Origin", "*")
                if status == 206:
                    self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
                self.end_headers()
                cut = server.cut_after.pop(self.path, None)
                if cut is not None:
                    self.wfile.write(body[:cut])
                    self.wfile.flush()
                    self.connection.shutdown(2)
                    return
                self.wfile.write(body)

            def do_HEAD(self):
                path = Path(self.translate_path(self.path))
                if not path.is_file():
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(path.stat().st_size))
                self.send_header("Accept-Ranges", "bytes")
                self.end_headers()

        httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._port.put(httpd.server_address[1])
        httpd.serve_forever()

    def __enter__(self) -> RangeServer:
        self._proc.start()
        self.url = f"http://127.0.0.1:{self._port.get(timeout=10)}"
        return self

    def __exit__(self, *exc: object) -> None:
        self._proc.terminate()
        self._proc.join(5)
        self._log.unlink(missing_ok=True)
