"""Locust users for benchmarks/hotline.py (not run on its own).

BENCH_TARGET=ping: GET /ping (no database), the yardstick. BENCH_TARGET=intake: POST
/api/v1/hotline/tickets as one of the pre-created citizens (bearer token): a complaint about a
place in 雁塔区 whose street rule routes it with confidence, so every ticket is dispatched
automatically inside the request. Confirmed ticket numbers are written to BENCH_KEYS_FILE.
"""

import json
import os
import random

from locust import FastHttpUser, constant, events, task

TARGET = os.environ.get("BENCH_TARGET", "ping")
with open(os.environ.get("BENCH_FIXTURE", "var/bench/hotline_fixture.json"), encoding="utf-8") as fh:
    FIXTURE = json.load(fh)
CONFIRMED: list[str] = []
TEXTS = ["小寨十字每晚有摊贩占道经营，行人只能走机动车道", "小寨东路人行道被流动摊贩占满", "路口夜市摆摊占道，垃圾也没人收"]


@events.test_stop.add_listener
def _write_confirmed(environment, **kwargs):
    path = os.environ.get("BENCH_KEYS_FILE")
    if path:
        with open(path, "w", encoding="utf-8") as fh:
            fh.write("\n".join(CONFIRMED))


class Caller(FastHttpUser):
    wait_time = constant(0)

    def on_start(self):
        self.citizen = random.choice(FIXTURE["citizens"])

    @task
    def call(self):
        if TARGET == "ping":
            self.client.get("/ping", name="ping")
            return
        body = {"ticket_type": "complaint", "service_code": FIXTURE["service_code"], "description": random.choice(TEXTS),
                "district": "610113", "street": "610113J01", "lat": 34.2235 + random.uniform(-0.002, 0.002),
                "lng": 108.9470 + random.uniform(-0.002, 0.002)}
        with self.client.post("/api/v1/hotline/tickets", json=body, name="intake", catch_response=True,
                              headers={"Authorization": f"Bearer {self.citizen}"}) as response:
            if response.status_code == 201 and response.json().get("status") == "dispatched":
                CONFIRMED.append(response.json()["number"])
                response.success()
            else:
                response.failure(f"{response.status_code} {response.text[:200]}")
