"""Locust users for benchmarks/intake.py (not run on its own).

Two kinds of users, chosen by the environment variable BENCH_TARGET:
  ping    — GET /ping, the trivial JSON endpoint (no database): the yardstick;
  submit  — POST /api/v1/applications for the 教育入学 lead item with a fresh Idempotency-Key, as one
            of the pre-created applicants (bearer token), reusing the applicant's uploaded material.
BENCH_RATE (requests per second per user) switches from "as fast as possible" to a constant rate.
"""

import json
import os
import random
import uuid

from locust import FastHttpUser, constant, constant_throughput, events, task

TARGET = os.environ.get("BENCH_TARGET", "ping")
RATE = float(os.environ.get("BENCH_RATE", "0"))
with open(os.environ.get("BENCH_FIXTURE", "var/bench/intake_fixture.json"), encoding="utf-8") as fh:
    FIXTURE = json.load(fh)


# Idempotency keys of the submissions the server confirmed (201): the benchmark checks afterwards
# that every one of them is in the database (no lost applications).
CONFIRMED: list[str] = []


@events.test_stop.add_listener
def _write_confirmed(environment, **kwargs):
    path = os.environ.get("BENCH_KEYS_FILE")
    if path:
        with open(path, "w", encoding="utf-8") as fh:
            fh.write("\n".join(CONFIRMED))


class Applicant(FastHttpUser):
    # geventhttpclient: the load generator runs on the same two cores as the server, so it must
    # spend as little CPU per request as possible.
    wait_time = constant_throughput(RATE) if RATE > 0 else constant(0)

    def on_start(self):
        self.me = random.choice(FIXTURE["applicants"])
        self.headers = {"Authorization": f"Bearer {self.me['token']}", "Content-Type": "application/json"}

    @task
    def act(self):
        if TARGET == "ping":
            self.client.get("/ping", name="ping")
            return
        body = {
            "implementation_id": FIXTURE["implementation_id"],
            "form_data": self.me["form_data"],
            "materials": {str(req): {"reuse": self.me["file_id"]} for req in FIXTURE["required_materials"]},
            "delivery": {"method": "window"},
        }
        key = uuid.uuid4().hex
        with self.client.post("/api/v1/applications", data=json.dumps(body, ensure_ascii=False).encode(),
                              headers={**self.headers, "Idempotency-Key": key}, name="submit",
                              catch_response=True) as response:
            if response.status_code != 201:
                response.failure(f"{response.status_code}: {response.text[:200]}")
            else:
                CONFIRMED.append(key)
