"""Booking benchmark: many people booking the same few slots at once (PostgreSQL).

Workload: T threads (each its own connection) make N booking attempts in all through
`services.booking_create`, each for a different person. Contended run: every attempt targets one
of 4 hot slots whose places add up to 2/3 of the attempts, so a third must be refused as full.
Baseline in the same run: the same number of attempts, threads and people, but every thread books
into slots of its own (no shared row).

Prints: attempts per second of both runs and their ratio, places booked against capacity, refusals.
Targets: no overbooking (booked <= capacity on every slot, bookings = booked places), every
refused attempt is `slot_full`, and contended throughput >= 0.5 x baseline (the slot row lock
serialises only the short UPDATE … booked + 1, not the whole booking).

Run: .venv/bin/python benchmarks/appointments.py [--threads 8] [--attempts 600]
Needs PostgreSQL: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/yiwang_bench_appointments
— dropped and recreated).
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/yiwang_bench_appointments")


def setup_django() -> None:
    import psycopg

    base, name = DB_URL.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    os.environ.update({"DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": DB_URL,
                       "YIWANG_NOTIFY_KICK_ON_COMMIT": "0", "DB_CONN_MAX_AGE": "0"})
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)


def world(threads: int, attempts: int):
    import datetime as dt

    from django.utils import timezone

    from yiwang.accounts.tests.factories import UserFactory
    from yiwang.appointments import services
    from yiwang.appointments.constants import WindowGroupKind
    from yiwang.appointments.models import Slot
    from yiwang.catalog.tests.factories import PublishedVersionFactory
    from yiwang.orgs.constants import DivisionLevel, OrganisationKind
    from yiwang.orgs.tests.factories import DivisionFactory, OrganisationFactory

    division = DivisionFactory(code="610100", name="西安市", level=DivisionLevel.CITY)
    org = OrganisationFactory(name="基准大厅", kind=OrganisationKind.SERVICE_CENTER, division=division)
    item = PublishedVersionFactory(implementation__agency=OrganisationFactory(division=division)).implementation
    hall = services.hall_open(actor=None, organisation=org, code="bench")
    group = services.window_group_create(actor=None, hall=hall, name="基准", kind=WindowGroupKind.SECTOR,
                                         implementation_ids=[item.pk])
    schedule = services.schedule_create(actor=None, hall=hall, window_group=group, name="基准", capacity=1,
                                        workday_periods="09:00-12:00")
    start = timezone.now().replace(microsecond=0) + dt.timedelta(days=2)

    def slot(i, capacity):
        s = start + dt.timedelta(minutes=i)
        return Slot.objects.create(organisation=org, window_group=group, schedule=schedule, service_date=s.date(),
                                   starts_at=s, ends_at=s + dt.timedelta(minutes=30), capacity=capacity)

    hot_capacity = (attempts * 2 // 3) // 4
    hot = [slot(i, hot_capacity) for i in range(4)]
    per_thread = attempts // threads
    private = [[slot(1000 + t * 10 + k, per_thread) for k in range(1)] for t in range(threads)]
    people = [UserFactory() for _ in range(2 * attempts)]
    return item, hot, private, people


def run(label, jobs, threads):
    """jobs: one list of (person, slot_id) per thread. Returns (seconds, booked, refused codes)."""
    from django.db import connections

    from yiwang.appointments import services
    from yiwang.core.errors import DomainError

    barrier = threading.Barrier(threads)
    outcomes: list[list] = [[] for _ in range(threads)]

    def work(t):
        barrier.wait()
        for person, slot_id, item_id in jobs[t]:
            try:
                services.booking_create(actor=person, slot_id=slot_id, implementation_id=item_id)
                outcomes[t].append("ok")
            except DomainError as exc:
                outcomes[t].append(exc.code)
        connections.close_all()

    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(work, range(threads)))
    seconds = time.perf_counter() - began
    flat = [o for row in outcomes for o in row]
    booked = flat.count("ok")
    refused = [o for o in flat if o != "ok"]
    print(f"{label}: {len(flat)} attempts in {seconds:.2f} s = {len(flat) / seconds:.1f}/s; booked {booked}, "
          f"refused {len(refused)} ({', '.join(sorted(set(refused))) or '—'})")
    return seconds, booked, refused


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--attempts", type=int, default=600)
    args = parser.parse_args()
    setup_django()
    from yiwang.appointments.models import Booking, Slot

    item, hot, private, people = world(args.threads, args.attempts)
    per_thread = args.attempts // args.threads
    attempts = per_thread * args.threads
    contended = [[(people[t * per_thread + k], hot[(t + k) % 4].pk, item.pk) for k in range(per_thread)]
                 for t in range(args.threads)]
    baseline = [[(people[attempts + t * per_thread + k], private[t][0].pk, item.pk) for k in range(per_thread)]
                for t in range(args.threads)]
    print(f"Workload: {args.threads} threads, {attempts} attempts per run, 4 hot slots of {hot[0].capacity} places "
          f"({4 * hot[0].capacity} in all), PostgreSQL {DB_URL.rsplit('/', 1)[1]}")
    base_s, base_booked, base_refused = run("baseline (a slot per thread)", baseline, args.threads)
    hot_s, hot_booked, hot_refused = run("contended (4 shared slots)", contended, args.threads)
    ratio = base_s / hot_s
    failures = []
    over = [s for s in Slot.objects.filter(pk__in=[s.pk for s in hot]) if s.booked > s.capacity]
    placed = sum(Slot.objects.filter(pk__in=[s.pk for s in hot]).values_list("booked", flat=True))
    in_db = Booking.objects.filter(slot__in=hot, status="booked").count()
    print(f"hot slots: {placed} places booked of {4 * hot[0].capacity}; {in_db} bookings in the database")
    print(f"ratio contended / baseline throughput: {ratio:.2f} (target >= 0.50)")
    if over or placed != in_db or hot_booked != in_db or placed > 4 * hot[0].capacity:
        failures.append("overbooking or lost places")
    if set(hot_refused) - {"slot_full"} or base_refused:
        failures.append("unexpected refusals")
    if hot_booked != 4 * hot[0].capacity:
        failures.append("not every place was sold")
    if ratio < 0.5:
        failures.append("contended throughput below half the baseline")
    print("RESULT: " + ("OK" if not failures else "FAILED: " + "; ".join(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
