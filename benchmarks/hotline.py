"""Hotline intake benchmark: citizens filing 12345 complaints that are dispatched automatically.

Workload: gunicorn with config/gunicorn.conf.py (production settings, PostgreSQL, Redis) on this
machine; locust (a separate process) drives N concurrent citizens, each POSTing
/api/v1/hotline/tickets (bearer token) — a complaint about 占道经营 at 小寨 with its district and
street, which the street routing rule dispatches with confidence inside the request (validation,
ticket row, timeline, audit events, acceptance notice in the outbox, routing, service level,
dispatch). Baseline: GET /ping, the trivial JSON endpoint on the same server, in the same run, in
interleaved rounds.

Prints: the rates, their ratio (median of the rounds), p50/p99 latency, errors, and lost tickets
(confirmed 201 responses whose ticket is not in the database, dispatched automatically).
Target (issue 14): ratio >= 0.10, 0 errors, 0 lost. Exits non-zero when a target is missed.

Run: .venv/bin/python benchmarks/hotline.py [--rounds 3] [--seconds 15] [--users 16] [--workers 4]
Needs PostgreSQL (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/h_hotline — its
tables are dropped and recreated) and Redis (BENCH_REDIS_URL, default redis://127.0.0.1:6379/8, flushed).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
OUT = ROOT / "var" / "bench"
DB_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/h_hotline")
PORT = int(os.environ.get("BENCH_PORT", "8108"))
HOST = f"http://127.0.0.1:{PORT}"
BENCH_REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/8")
TARGET_RATIO = 0.10


def server_env() -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DATABASE_URL": DB_URL,
        "DJANGO_SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789",
        "YIWANG_FIELD_KEY": "b3e1c0a9d8f7e6d5c4b3a29180706f5e",
        "YIWANG_BLIND_INDEX_KEY": "5e6f708091a2b3c4d5e6f708192a3b4c",
        "YIWANG_AUDIT_KEY": "7a8b9c0d1e2f30415263748596a7b8c9",
        "YIWANG_ALLOW_LOG_SMS": "1",  # a benchmark sends no real messages
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DB_CONN_MAX_AGE": "600",
        "LOG_LEVEL": "ERROR",
        "YIWANG_VAR_DIR": str(OUT / "var"),
        "REDIS_URL": BENCH_REDIS,
        "CELERY_BROKER_URL": BENCH_REDIS,
    }


def manage(*args: str) -> str:
    return subprocess.run([str(VENV_BIN / "python"), "manage.py", *args], cwd=ROOT, env=server_env(), check=True,
                          capture_output=True, text=True).stdout


def prepare(citizens: int) -> dict:
    """Empty schema, migrations, the small hotline world of the tests, citizens with tokens."""
    import psycopg

    with psycopg.connect(DB_URL, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")
    manage("migrate", "--noinput", "-v0")
    manage("collectstatic", "--noinput", "-v0")
    script = f"""
import json
from yiwang.accounts.services import api_token_create
from yiwang.accounts.tests.factories import UserFactory
from yiwang.hotline.tests.world import build_world
w = build_world()
tokens = [api_token_create(actor=None, user=UserFactory(username=f"bench{{i}}"), name="bench")[1] for i in range({citizens})]
print(json.dumps({{"service_code": w.stall.service_code, "citizens": tokens}}))
"""
    return json.loads(manage("shell", "-c", script).strip().splitlines()[-1])


def start_server(workers: int) -> subprocess.Popen:
    proc = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "-c", str(ROOT / "config" / "gunicorn.conf.py"), "config.wsgi:application",
         "-b", f"127.0.0.1:{PORT}", "-w", str(workers), "--log-level", "warning"],
        cwd=ROOT, env=server_env(), start_new_session=True)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{HOST}/ping", timeout=1).read()  # noqa: S310 (our own http URL)
            return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("gunicorn did not start")


def run_locust(target: str, *, users: int, seconds: int, tag: str) -> dict:
    prefix = OUT / f"hotline-{tag}"
    env = {**os.environ, "BENCH_TARGET": target, "BENCH_FIXTURE": str(OUT / "hotline_fixture.json"),
           "BENCH_KEYS_FILE": f"{prefix}_keys.txt"}
    subprocess.run(
        [str(VENV_BIN / "locust"), "-f", str(ROOT / "benchmarks" / "locustfile_hotline.py"), "--headless", "-u", str(users),
         "-r", str(users), "-t", f"{seconds}s", "--host", HOST, "--csv", str(prefix), "--only-summary",
         "--stop-timeout", "5", "--loglevel", "ERROR"],
        cwd=ROOT, env=env, check=False, capture_output=True)
    with open(f"{prefix}_stats.csv", encoding="utf-8") as fh:
        row = {r["Name"]: r for r in csv.DictReader(fh)}["Aggregated"]
    keys_file = Path(f"{prefix}_keys.txt")
    keys = [k for k in keys_file.read_text().split("\n") if k] if keys_file.exists() else []
    return {"requests": int(row["Request Count"]), "failures": int(row["Failure Count"]), "rps": float(row["Requests/s"]),
            "p50": float(row["50%"] or 0), "p99": float(row["99%"] or 0), "confirmed": keys}


def stored(numbers: list[str]) -> int:
    """Confirmed tickets in the database, dispatched automatically to the street office."""
    import psycopg

    with psycopg.connect(DB_URL) as conn:
        return conn.execute("SELECT count(*) FROM hotline_ticket WHERE number = ANY(%s) AND auto_dispatched "
                            "AND status = 'dispatched' AND primary_unit_id IS NOT NULL", (numbers,)).fetchone()[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--citizens", type=int, default=100)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    print(f"preparing {DB_URL} with the hotline world and {args.citizens} citizens …", flush=True)
    (OUT / "hotline_fixture.json").write_text(json.dumps(prepare(args.citizens)), encoding="utf-8")
    server = start_server(args.workers)
    try:
        run_locust("intake", users=4, seconds=4, tag="warmup")
        run_locust("ping", users=4, seconds=3, tag="warmup-ping")
        confirmed: list[str] = []
        errors, ratios, intake_rates, ping_rates, p50s, p99s = 0, [], [], [], [], []
        for i in range(args.rounds):
            ping = run_locust("ping", users=args.users, seconds=args.seconds, tag=f"ping-{i}")
            intake = run_locust("intake", users=args.users, seconds=args.seconds, tag=f"intake-{i}")
            confirmed += intake["confirmed"]
            errors += intake["failures"] + ping["failures"]
            ping_rates.append(ping["rps"])
            intake_rates.append(intake["rps"])
            p50s.append(intake["p50"])
            p99s.append(intake["p99"])
            ratios.append(intake["rps"] / ping["rps"] if ping["rps"] else 0.0)
            print(f"round {i + 1}: ping {ping['rps']:.0f}/s, intake {intake['rps']:.1f}/s (p50 {intake['p50']:.0f} ms, "
                  f"p99 {intake['p99']:.0f} ms, failures {intake['failures']}), ratio {ratios[-1]:.3f}", flush=True)
        found = stored(confirmed)
        lost = len(confirmed) - found
        ratio = statistics.median(ratios)
        print()
        print(f"hotline intake benchmark (auto-dispatched complaints), gunicorn {args.workers} sync workers + PostgreSQL, "
              f"locust {args.users} users, {args.rounds}×{args.seconds}s rounds")
        print(f"  trivial endpoint (/ping):   {statistics.median(ping_rates):8.1f} req/s (median)")
        print(f"  ticket intake + dispatch:   {statistics.median(intake_rates):8.1f} /s (median); "
              f"p50 {statistics.median(p50s):.0f} ms, p99 {statistics.median(p99s):.0f} ms")
        print(f"  ratio intake / trivial:     {ratio:8.3f}   (target >= {TARGET_RATIO:.2f}; per round: "
              + ", ".join(f"{r:.3f}" for r in ratios) + ")")
        print(f"  errors: {errors}   confirmed tickets (201, dispatched): {len(confirmed)}   "
              f"in the database, auto-dispatched: {found}   lost: {lost}")
        missed = [name for name, bad in (("ratio", ratio < TARGET_RATIO), ("errors", errors > 0), ("lost", lost != 0),
                                          ("no tickets", not confirmed)) if bad]
        print("  result: " + ("all targets met" if not missed else "MISSED: " + ", ".join(missed)))
        return 1 if missed else 0
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
        import redis

        redis.Redis.from_url(BENCH_REDIS).flushdb()


if __name__ == "__main__":
    sys.exit(main())
