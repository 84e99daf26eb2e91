"""Verification benchmark: public e-licence verifications per second against the same server's
trivial endpoint, in one run.

Workload: gunicorn with config/gunicorn.conf.py (production settings, PostgreSQL) on this machine;
locust (in a separate process, FastHttpUser) drives N concurrent anonymous verifiers, each
GETting /api/v1/licences/verify/<identifier> of a random one of the fixture's licences (valid,
SM2-signed, issued through the services): every request looks the licence up, checks its SM2
signature over the canonical metadata and PDF digest, decides state and validity, masks the
holder, and records the verification (one INSERT). Baseline: GET /ping on the same server,
measured in interleaved rounds (alternating which goes first).

Prints the rates, their ratio (median of the rounds), p50/p99 of the verifications, errors and
how many verifications were recorded (must equal the successful responses).
Target (issue 11): ratio >= 0.5, 0 errors, every verification recorded. Exits 1 on a miss.

Run: .venv/bin/python benchmarks/verify.py [--rounds 5] [--seconds 15] [--users 24] [--workers 4] [--licences 500]
Needs PostgreSQL: BENCH_DATABASE_URL (dropped and recreated), default
postgres://postgres@127.0.0.1:5432/yiwang_bench_verify.
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
DB_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/yiwang_bench_verify")
PORT = int(os.environ.get("BENCH_PORT", "8124"))
HOST = f"http://127.0.0.1:{PORT}"
TARGET_RATIO = 0.5


def server_env() -> dict:
    env = {
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
        "YIWANG_VAR_DIR": str(OUT / "verify-var"),
        "DJANGO_MEDIA_ROOT": str(OUT / "verify-var" / "media"),
        # Verification touches neither the broker nor the cache; keep them local and unused.
        "CACHE_URL": "",
    }
    env.pop("REDIS_URL", None)
    return env


def manage(*args: str) -> str:
    return subprocess.run([str(VENV_BIN / "python"), "manage.py", *args], cwd=ROOT, env=server_env(), check=True,
                          capture_output=True, text=True).stdout


def prepare(count: int) -> list[str]:
    """Fresh database, migrations, the Xi'an organisations and licence types, `count` licences."""
    import psycopg

    base, name = DB_URL.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    manage("migrate", "--noinput", "-v0")
    manage("load_xian")
    manage("load_licence_types")
    script = f"""
import datetime as dt, json
from yiwang.accounts.tests.factories import make_id_number
from yiwang.licences.selectors import licence_type_for_code
from yiwang.licences.services import Holder, licence_issue
types = [licence_type_for_code(c) for c in ("LIC-RESIDENT-ID", "LIC-HUKOU", "LIC-SOCIAL-SECURITY-CARD")]
identifiers = []
for i in range({count}):
    t = types[i % len(types)]
    holder = Holder("person", f"张{{i}}", make_id_number(i, birth=f"19{{50 + i % 40}}0{{1 + i % 9}}15", area="610113"))
    lic = licence_issue(actor="bench", licence_type=t, holder=holder, issuer=t.issuing_agency, issued_on=dt.date(2020, 1, 1),
                        attributes={{}}, notify=False)
    identifiers.append(lic.identifier)
print(json.dumps({{"identifiers": identifiers}}))
"""
    return json.loads(manage("shell", "-c", script).strip().splitlines()[-1])["identifiers"]


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
    prefix = OUT / f"verify-{tag}"
    env = {**os.environ, "BENCH_TARGET": target, "BENCH_FIXTURE": str(OUT / "verify_fixture.json")}
    subprocess.run(
        [str(VENV_BIN / "locust"), "-f", str(ROOT / "benchmarks" / "locustfile_verify.py"), "--headless", "-u", str(users),
         "-r", str(users), "-t", f"{seconds}s", "--host", HOST, "--csv", str(prefix), "--only-summary",
         "--stop-timeout", "5", "--loglevel", "ERROR"],
        cwd=ROOT, env=env, check=False, capture_output=True)
    with open(f"{prefix}_stats.csv", encoding="utf-8") as fh:
        row = {r["Name"]: r for r in csv.DictReader(fh)}["Aggregated"]
    return {"requests": int(row["Request Count"]), "failures": int(row["Failure Count"]), "rps": float(row["Requests/s"]),
            "p50": float(row["50%"] or 0), "p99": float(row["99%"] or 0)}


def recorded() -> int:
    import psycopg

    with psycopg.connect(DB_URL) as conn:
        return conn.execute("SELECT count(*) FROM licences_verification WHERE channel = 'api'").fetchone()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--users", type=int, default=24)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--licences", type=int, default=500)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    print(f"preparing {DB_URL}: Xi'an organisations, licence types, {args.licences} signed licences …", flush=True)
    identifiers = prepare(args.licences)
    (OUT / "verify_fixture.json").write_text(json.dumps({"identifiers": identifiers}), encoding="utf-8")
    server = start_server(args.workers)
    try:
        run_locust("verify", users=8, seconds=10, tag="warmup")  # every worker checks every signature once
        run_locust("ping", users=4, seconds=3, tag="warmup-ping")
        before = recorded()
        ratios, verify_rates, ping_rates, errors, ok_requests, latencies = [], [], [], 0, 0, []
        for i in range(args.rounds):
            # The machine is shared: alternate which endpoint goes first, so a load that rises or
            # falls during a round does not always favour the same side of the ratio.
            if i % 2 == 0:
                ping = run_locust("ping", users=args.users, seconds=args.seconds, tag=f"ping-{i}")
                ver = run_locust("verify", users=args.users, seconds=args.seconds, tag=f"verify-{i}")
            else:
                ver = run_locust("verify", users=args.users, seconds=args.seconds, tag=f"verify-{i}")
                ping = run_locust("ping", users=args.users, seconds=args.seconds, tag=f"ping-{i}")
            errors += ping["failures"] + ver["failures"]
            ok_requests += ver["requests"] - ver["failures"]
            ping_rates.append(ping["rps"])
            verify_rates.append(ver["rps"])
            latencies.append((ver["p50"], ver["p99"]))
            ratios.append(ver["rps"] / ping["rps"] if ping["rps"] else 0.0)
            print(f"round {i + 1}: ping {ping['rps']:.0f}/s, verify {ver['rps']:.1f}/s (p50 {ver['p50']:.0f} ms, "
                  f"p99 {ver['p99']:.0f} ms, failures {ver['failures']}), ratio {ratios[-1]:.3f}", flush=True)
        stored = recorded() - before
        ratio = statistics.median(ratios)
        print()
        print(f"verification benchmark (GET /api/v1/licences/verify/<identifier>, {len(identifiers)} licences), gunicorn "
              f"{args.workers} sync workers + PostgreSQL, locust {args.users} users, {args.rounds}×{args.seconds}s rounds")
        print(f"  trivial endpoint (/ping):      {statistics.median(ping_rates):8.1f} req/s (median)")
        print(f"  public verifications:          {statistics.median(verify_rates):8.1f} /s (median)")
        print(f"  ratio verify / trivial:        {ratio:8.3f}   (target >= {TARGET_RATIO}; per round: "
              + ", ".join(f"{r:.3f}" for r in ratios) + ")")
        print("  verification latency p50/p99:  " + ", ".join(f"{a:.0f}/{b:.0f} ms" for a, b in latencies))
        print(f"  errors: {errors}   successful verifications: {ok_requests}   recorded: {stored}")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
    missed = []
    if ratio < TARGET_RATIO:
        missed.append(f"ratio {ratio:.3f} < {TARGET_RATIO}")
    if errors:
        missed.append(f"{errors} errors")
    if stored < ok_requests:
        missed.append(f"{ok_requests - stored} verifications not recorded")
    if missed:
        print("MISSED: " + "; ".join(missed))
        sys.exit(1)
    print("all targets met")


if __name__ == "__main__":
    main()
