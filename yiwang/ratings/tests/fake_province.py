"""A local stand-in for the provincial 好差评 system with the real shape (POST /evaluations, bearer
token, JSON, 409 on a known record number and revision), started by the tests on a free port.

It can be told to fail: `fail_next` answers 503 that many times; `lose_next` stores the record but
answers 500 (the answer is "lost", the record arrived); `reject_next` answers 400."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeProvince:
    def __init__(self, token: str = "province-secret"):
        self.token = token
        self.records: dict[tuple[str, int], dict] = {}
        self.requests = 0
        self.fail_next = 0
        self.lose_next = 0
        self.reject_next = 0
        self.lock = threading.Lock()
        province = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep the test output clean
                pass

            def do_POST(self):
                province.handle(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> FakeProvince:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _answer(self, handler, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def handle(self, handler) -> None:
        length = int(handler.headers.get("Content-Length", "0"))
        raw = handler.rfile.read(length)
        with self.lock:
            self.requests += 1
            if handler.path != "/evaluations":
                return self._answer(handler, 404, {"code": "404"})
            if handler.headers.get("Authorization") != f"Bearer {self.token}":
                return self._answer(handler, 401, {"code": "401", "message": "bad token"})
            if self.fail_next:
                self.fail_next -= 1
                return self._answer(handler, 503, {"code": "503"})
            if self.reject_next:
                self.reject_next -= 1
                return self._answer(handler, 400, {"code": "400", "message": "字段 level 取值错误"})
            record = json.loads(raw)
            key = (record["recordNo"], record["revision"])
            if key in self.records:
                return self._answer(handler, 409, {"code": "409", "id": self.records[key]["_id"]})
            record["_id"] = f"SX{len(self.records) + 1:08d}"
            self.records[key] = record
            if self.lose_next:
                self.lose_next -= 1
                return self._answer(handler, 500, {"code": "500"})
            return self._answer(handler, 200, {"code": "0", "id": record["_id"]})
