"""A local stand-in for the city's SMS gateway, with the real gateway's contract: JSON POST,
bearer key, deduplication by message id (409 on a repeat), 4xx for a refused number."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeSmsGateway:
    def __init__(self, *, api_key: str = "test-key"):
        self.api_key = api_key
        self.delivered: list[dict] = []  # what a phone would have received
        self.requests = 0
        self.fail_next = 0  # answer 503 to the next N requests
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                gateway.requests += 1
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if self.headers.get("Authorization") != f"Bearer {gateway.api_key}":
                    return self._answer(401, {"error": "bad key"})
                if gateway.fail_next:
                    gateway.fail_next -= 1
                    return self._answer(503, {"error": "busy"})
                if not str(body.get("phone", "")).isdigit():
                    return self._answer(400, {"error": "invalid number"})
                if any(m["message_id"] == body["message_id"] for m in gateway.delivered):
                    return self._answer(409, {"error": "duplicate", "id": body["message_id"]})
                gateway.delivered.append(body)
                return self._answer(202, {"id": f"gw-{len(gateway.delivered)}"})

            def _answer(self, status, payload):
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/send"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
