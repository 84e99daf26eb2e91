"""Intake benchmark: many applicants submitting the 教育入学 application at once.

Workload: gunicorn with config/gunicorn.conf.py (production settings, PostgreSQL, Redis broker) on this machine; locust (in a
separate process) drives N concurrent applicants, each POSTing /api/v1/applications for the
教育入学 lead item ("新生入学信息采集") with a fresh Idempotency-Key. Baseline: GET /ping, a trivial
JSON endpoint on the same server, measured in the same run in interleaved rounds.

Prints: sustained submissions per second, the trivial endpoint's rate, their ratio (median of the
rounds), p50/p99 latency at 80% of the sustained rate, errors, and lost applications (successful
responses minus rows in the database afterwards).
Target (issue 3): ratio >= 0.10, p99 < 200 ms at 80% of the sustained rate, 0 errors, 0 lost.

Run: .venv/bin/python benchmarks/intake.py [--rounds 3] [--seconds 20] [--users 24] [--workers 4]
Needs PostgreSQL (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/yiwang_bench —
dropped and recreated) and Redis (REDIS_URL).
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
DB_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/yiwang_bench")
PORT = int(os.environ.get("BENCH_PORT", "8123"))
HOST = f"http://127.0.0.1:{PORT}"
ITEM = "新生入学信息采集"
BENCH_REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")


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
        # Notifications queue up on a Redis database of the benchmark's own (no worker runs: the
        # benchmark measures intake; side effects are asynchronous by design). Flushed at the end.
        "REDIS_URL": BENCH_REDIS,
        "CELERY_BROKER_URL": BENCH_REDIS,
    }


def manage(*args: str) -> str:
    return subprocess.run([str(VENV_BIN / "python"), "manage.py", *args], cwd=ROOT, env=server_env(), check=True,
                          capture_output=True, text=True).stdout


def prepare(applicants: int) -> dict:
    """Fresh database, migrations, the Xi'an catalog, applicants with tokens and one uploaded file each."""
    import psycopg

    base, name = DB_URL.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    manage("migrate", "--noinput", "-v0")
    manage("load_xian")
    manage("collectstatic", "--noinput", "-v0")
    script = f"""
import json
from django.core.files.uploadedfile import SimpleUploadedFile
from yiwang.accounts.services import api_token_create
from yiwang.accounts.tests.factories import UserFactory, make_id_number
from yiwang.cases.services import stored_file_create
from yiwang.catalog.models import ItemImplementation
from yiwang.core.identifiers import id_number_sex
impl = ItemImplementation.objects.get(current_version__name={ITEM!r})
version = impl.current_version
required = [m.pk for m in version.materials.all() if m.necessity == "required"]
options = {{f.data_element.key: f.options or f.data_element.options for f in version.form_fields.select_related("data_element")}}
def first_option(key, default):
    opts = options.get(key) or []
    return (opts[0]["value"] if opts and isinstance(opts[0], dict) else (opts[0] if opts else default))
applicants = []
for i in range({applicants}):
    user = UserFactory(real_name=f"张家长{{i}}")
    token = api_token_create(actor=None, user=user, name="bench")[1]
    f = stored_file_create(actor=user, owner=user, upload=SimpleUploadedFile("户口簿.pdf", b"%PDF-1.4\\n%%EOF\\n"))
    child_id = make_id_number(i, birth="20190901", area="610113")
    form = {{"child.name": f"张小{{i}}", "child.id_number": child_id, "child.birth_date": "2019-09-01",
            "child.sex": "男" if id_number_sex(child_id) == "M" else "女", "applicant.name": user.real_name,
            "applicant.id_number": user.id_number, "applicant.phone": user.phone,
            "guardian.relation": first_option("guardian.relation", "父亲"),
            "household.address": "西安市雁塔区小寨东路 1 号", "residence.address": "西安市雁塔区小寨东路 1 号",
            "school.stage": first_option("school.stage", "小学"), "school.name": "西安市雁塔区第一小学"}}
    applicants.append({{"token": token, "file_id": f.pk, "form_data": form}})
print(json.dumps({{"implementation_id": impl.pk, "required_materials": required, "applicants": applicants}}))
"""
    fixture = json.loads(manage("shell", "-c", script).strip().splitlines()[-1])
    return fixture


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


def run_locust(target: str, *, users: int, seconds: int, rate: float = 0.0, tag: str) -> dict:
    prefix = OUT / f"{tag}"
    env = {**os.environ, "BENCH_TARGET": target, "BENCH_RATE": str(rate),
           "BENCH_FIXTURE": str(OUT / "intake_fixture.json"), "BENCH_KEYS_FILE": f"{prefix}_keys.txt"}
    subprocess.run(
        [str(VENV_BIN / "locust"), "-f", str(ROOT / "benchmarks" / "locustfile_intake.py"), "--headless", "-u", str(users),
         "-r", str(users), "-t", f"{seconds}s", "--host", HOST, "--csv", str(prefix), "--only-summary",
         "--stop-timeout", "5", "--loglevel", "ERROR"],
        cwd=ROOT, env=env, check=False, capture_output=True)
    with open(f"{prefix}_stats.csv", encoding="utf-8") as fh:
        rows = {r["Name"]: r for r in csv.DictReader(fh)}
    row = rows["Aggregated"]
    keys_file = Path(f"{prefix}_keys.txt")
    if target == "submit" and not keys_file.exists():
        # Without it "lost" would read 0 for want of anything to look for.
        raise SystemExit(f"the locust run wrote no confirmed-keys file ({keys_file}); cannot count lost submissions")
    keys = [k for k in keys_file.read_text().split("\n") if k] if keys_file.exists() else []
    return {"requests": int(row["Request Count"]), "failures": int(row["Failure Count"]),
            "rps": float(row["Requests/s"]), "p50": float(row["50%"] or 0), "p99": float(row["99%"] or 0),
            "confirmed": keys}


def stored_keys(keys: list[str]) -> int:
    """How many of the confirmed submissions exist in the database, each with its case."""
    import psycopg

    with psycopg.connect(DB_URL) as conn:
        return conn.execute(
            "SELECT count(DISTINCT a.id) FROM cases_application a JOIN cases_case c ON c.application_id = a.id "
            "WHERE a.idempotency_key = ANY(%s)", (keys,)).fetchone()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--users", type=int, default=24)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--applicants", type=int, default=200)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    print(f"preparing {DB_URL} with the Xi'an catalog and {args.applicants} applicants …", flush=True)
    fixture = prepare(args.applicants)
    (OUT / "intake_fixture.json").write_text(json.dumps(fixture, ensure_ascii=False), encoding="utf-8")
    server = start_server(args.workers)
    try:
        run_locust("submit", users=4, seconds=5, tag="warmup")
        run_locust("ping", users=4, seconds=3, tag="warmup-ping")
        confirmed: list[str] = []
        errors, ratios, submit_rates, ping_rates = 0, [], [], []
        for i in range(args.rounds):
            ping = run_locust("ping", users=args.users, seconds=args.seconds, tag=f"ping-{i}")
            sub = run_locust("submit", users=args.users, seconds=args.seconds, tag=f"submit-{i}")
            confirmed += sub["confirmed"]
            errors += sub["failures"] + ping["failures"]
            ping_rates.append(ping["rps"])
            submit_rates.append(sub["rps"])
            ratios.append(sub["rps"] / ping["rps"] if ping["rps"] else 0.0)
            print(f"round {i + 1}: ping {ping['rps']:.0f}/s, submit {sub['rps']:.1f}/s (p50 {sub['p50']:.0f} ms, "
                  f"p99 {sub['p99']:.0f} ms, failures {sub['failures']}), ratio {ratios[-1]:.3f}", flush=True)
        sustained = statistics.median(submit_rates)
        target_rate = 0.8 * sustained
        per_user = target_rate / args.users
        paced = run_locust("submit", users=args.users, seconds=args.seconds, rate=per_user, tag="paced")
        confirmed += paced["confirmed"]
        errors += paced["failures"]
        stored = stored_keys(confirmed)
        lost = len(confirmed) - stored
        ratio = statistics.median(ratios)
        print()
        print("intake benchmark (教育入学 · 新生入学信息采集), gunicorn "
              f"{args.workers} sync workers + PostgreSQL, locust {args.users} users, {args.rounds}×{args.seconds}s rounds")
        print(f"  trivial endpoint (/ping):      {statistics.median(ping_rates):8.1f} req/s (median)")
        print(f"  sustained submissions:         {sustained:8.1f} /s (median)")
        print(f"  ratio submit / trivial:        {ratio:8.3f}   (target >= 0.10; per round: "
              + ", ".join(f"{r:.3f}" for r in ratios) + ")")
        print(f"  at 80% of sustained ({paced['rps']:.1f}/s): p50 {paced['p50']:.0f} ms, p99 {paced['p99']:.0f} ms "
              f"(target p99 < 200 ms)")
        print(f"  errors: {errors}   confirmed submissions (201): {len(confirmed)}   found in the database: {stored}   "
              f"lost: {lost}")
        missed = [name for name, ok in (("ratio >= 0.10", ratio >= 0.10), ("p99 < 200 ms", paced["p99"] < 200),
                                        ("0 errors", errors == 0), ("0 lost", lost == 0),
                                        ("some submissions confirmed", len(confirmed) > 0)) if not ok]
        print("  targets: " + ("met" if not missed else "NOT met: " + ", ".join(missed)))
        if missed:
            raise SystemExit(1)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
        import redis

        redis.Redis.from_url(BENCH_REDIS).flushdb()


if __name__ == "__main__":
    main()
