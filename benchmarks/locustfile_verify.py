"""Locust users for benchmarks/verify.py (not run on its own).

BENCH_TARGET chooses the request:
  ping    — GET /ping, the trivial JSON endpoint (no database): the yardstick;
  verify  — GET /api/v1/licences/verify/<identifier> of a random licence of the fixture, anonymous
            (as a bank or a landlord checks), each check recorded by the server.
"""

import json
import os
import random

from locust import FastHttpUser, constant, task

TARGET = os.environ.get("BENCH_TARGET", "ping")
with open(os.environ.get("BENCH_FIXTURE", "var/bench/verify_fixture.json"), encoding="utf-8") as fh:
    IDENTIFIERS = json.load(fh)["identifiers"]


class Verifier(FastHttpUser):
    wait_time = constant(0)

    @task
    def act(self):
        if TARGET == "ping":
            self.client.get("/ping", name="ping")
            return
        identifier = random.choice(IDENTIFIERS)
        with self.client.get(f"/api/v1/licences/verify/{identifier}", name="verify", catch_response=True) as response:
            if response.status_code != 200 or response.json().get("outcome") != "valid":
                response.failure(f"{response.status_code}: {response.text[:200]}")
