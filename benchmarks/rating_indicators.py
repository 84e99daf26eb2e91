"""Benchmark: rating indicators as aggregate queries vs a Python loop over the rating rows.

Workload: 50,000 ratings of 50,000 delivered cases over 40 agencies (4 districts), 8 outlets, 120
items and 60 staff members, levels drawn with random.Random(20261203) (about 12% bad); every bad
rating has its rectification in a random state of the loop (reported on time or late, followed up
or not, overdue, still running); 1% of the ratings excluded by an upheld appeal.
Measured per indicators page — one dimension's table (district, agency, outlet, item or staff),
the totals and the monthly trend, as /ratings/indicators/ shows them:
Ours: the selectors (yiwang.ratings.selectors: indicator_table, monthly_trend) — four
aggregate queries a page — best of three runs.
Baseline: what one writes without aggregates — read every counted rating of the period with its
rectification's dates (one query, .values()) and count in Python — best of three runs.
Both must agree on every figure. Wall-clock time (the database does the work).
Target on PostgreSQL (production): every page under 0.5 s, and the five pages together at least 3×
faster than the baseline. On SQLite (the embedded demo, not meant for production volumes: its
planner walks the date index row by row) every page under 1 s and at least 1.5× faster.

Run: .venv/bin/python benchmarks/rating_indicators.py
It sets up Django itself (config.settings.demo; the SQLite file var/bench_ratings.sqlite3 unless
DATABASE_URL is set), migrates, and builds the workload once (rows are kept for the next run).
"""

import os
import random
import sys
import time
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.demo")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench_ratings.sqlite3'}")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

RATINGS = 50_000
SEED = 20261203
TARGETS = {"postgresql": (0.5, 3.0), "sqlite": (1.0, 1.5)}  # vendor -> (seconds a page, overall ratio)
TODAY = date(2026, 12, 1)
PERIOD_START = date(2026, 1, 1)
LEVELS = ["very_satisfied"] * 60 + ["satisfied"] * 20 + ["basically_satisfied"] * 8 + ["dissatisfied"] * 8 + \
    ["very_dissatisfied"] * 4


def build() -> None:
    from yiwang.accounts.tests.factories import StaffFactory, UserFactory
    from yiwang.cases.models import Application, Case
    from yiwang.catalog.tests.factories import PublishedVersionFactory
    from yiwang.orgs.tests.factories import DivisionFactory, OrganisationFactory
    from yiwang.ratings.models import Rating, Rectification

    rng = random.Random(SEED)
    print(f"building the workload: {RATINGS:,} ratings …")
    with transaction.atomic():
        districts = [DivisionFactory(code=f"6101{10 + i:02d}", name=f"区县{i}") for i in range(4)]
        agencies = [OrganisationFactory(name=f"部门{i}", division=districts[i % 4]) for i in range(40)]
        outlets = [OrganisationFactory(name=f"政务服务中心{i}", kind="service_center", division=districts[i % 4])
                   for i in range(8)]
        versions = [PublishedVersionFactory(implementation__agency=agencies[i % 40], name=f"事项{i}", materials=0)
                    for i in range(120)]
        staff = [StaffFactory() for _ in range(60)]
        applicant = UserFactory()
        apps = Application.objects.bulk_create([
            Application(applicant=applicant, channel="web", status="submitted", implementation=versions[i % 120].implementation,
                        version=versions[i % 120]) for i in range(RATINGS)], batch_size=2000)
        cases, ratings = [], []
        for i, app in enumerate(apps):
            v = versions[i % 120]
            agency = agencies[i % 120 % 40]
            outlet = outlets[rng.randrange(8)]
            day = PERIOD_START + timedelta(days=rng.randrange(330))
            cases.append(Case(number=f"B{i:012d}", verification_code="000000", application=app, applicant=applicant,
                              implementation=v.implementation, version=v, agency=agency, agency_path=agency.path,
                              outlet=outlet, outlet_path=outlet.path, channel="web", status="delivered",
                              applicant_name="张三", received_on=day, acceptance_due_on=day, delivered_on=day))
        Case.objects.bulk_create(cases, batch_size=2000)
        for i, case in enumerate(cases):
            level = rng.choice(LEVELS)
            bad = level in ("dissatisfied", "very_dissatisfied")
            ratings.append(Rating(
                case=case, stage="overall", level=level, channel="mobile", rater=applicant,
                reasons=["efficiency"] if bad else [], comment="慢" if bad else "", rated_at=timezone.now(),
                rated_on=case.received_on, case_number=case.number, agency_id=case.agency_id, agency_path=case.agency_path,
                outlet_id=case.outlet_id, outlet_path=case.outlet_path, division_id=agencies[i % 120 % 40].division_id,
                implementation_id=case.implementation_id, item_name=case.version.name,
                staff_id=staff[rng.randrange(60)].pk, counts_in_statistics=rng.random() > 0.01))
        Rating.objects.bulk_create(ratings, batch_size=2000)
        loops = []
        for rating in ratings:
            if rating.level not in ("dissatisfied", "very_dissatisfied"):
                continue
            due = rating.rated_on + timedelta(days=21)
            state = rng.choice(["on_time", "late", "running", "closed", "unreached"])
            result_on = {"on_time": due - timedelta(days=3), "late": due + timedelta(days=4),
                         "closed": due - timedelta(days=1), "unreached": due}.get(state)
            loops.append(Rectification(
                rating=rating, unit_id=rating.agency_id, unit_path=rating.agency_path, opened_on=rating.rated_on,
                deadline_days=15, due_on=due, status="verifying" if result_on is None else "closed",
                result_on=result_on, follow_up_reached=True if state in ("closed", "on_time") else
                (False if state == "unreached" else None)))
        Rectification.objects.bulk_create(loops, batch_size=2000)


def baseline(period, dimension):
    """The figures of one indicators page (one dimension's table, the totals, the monthly trend)
    from a loop over the counted ratings of the period."""
    from yiwang.ratings.constants import BAD_LEVELS, SATISFIED_LEVELS
    from yiwang.ratings.models import Rating

    key = {"district": "division_id", "agency": "agency_id", "outlet": "outlet_id", "item": "implementation_id",
           "staff": "staff_id"}[dimension]
    rows = Rating.objects.filter(counts_in_statistics=True, rated_on__gte=period.since, rated_on__lte=period.until).values(
        "level", "rated_on", key, "rectification__result_on", "rectification__due_on", "rectification__follow_up_reached")
    groups, total, months = defaultdict(lambda: [0] * 7), [0] * 7, defaultdict(int)
    for row in rows:
        bad = row["level"] in BAD_LEVELS
        reported = bad and row["rectification__result_on"] is not None
        due = reported or (bad and row["rectification__due_on"] is not None and row["rectification__due_on"] < TODAY)
        on_time = reported and row["rectification__result_on"] <= row["rectification__due_on"]
        counts = (1, row["level"] in SATISFIED_LEVELS, bad, reported, due, on_time,
                  reported and row["rectification__follow_up_reached"] is True)
        targets = [total] if row[key] is None else [total, groups[row[key]]]
        for acc in targets:
            for j, c in enumerate(counts):
                acc[j] += bool(c)
        months[row["rated_on"].replace(day=1)] += 1
    return {"groups": {k: list(v) for k, v in groups.items()}, "total": total, "months": dict(months)}


def ours(period, dimension):
    """The same figures as the indicators page reads them (yiwang.ratings.selectors)."""
    from yiwang.ratings.selectors import indicator_table, monthly_trend

    rows, t = indicator_table(dimension=dimension, period=period, today=TODAY)
    groups = {r.key: [r.ratings, r.satisfied, r.bad, r.reported, r.due, r.on_time, r.followed_up] for r in rows}
    months = {m: row.ratings for m, row in monthly_trend(period=period)}
    return {"groups": groups, "total": [t.ratings, t.satisfied, t.bad, t.reported, t.due, t.on_time, t.followed_up],
            "months": months}


def best(fn, *args, runs=3):
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn(*args)
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> int:
    from yiwang.ratings.models import Rating
    from yiwang.ratings.selectors import Period

    (ROOT / "var").mkdir(exist_ok=True)
    call_command("migrate", verbosity=0)
    if Rating.objects.count() != RATINGS:
        Rating.objects.exists() and sys.exit("the benchmark database holds other ratings: delete it and run again")
        build()
    from django.db import connection

    target_seconds, target_ratio = TARGETS.get(connection.vendor, TARGETS["postgresql"])
    period = Period(PERIOD_START, TODAY)
    print(f"database: {connection.vendor}")
    print(f"workload: {RATINGS:,} ratings, {Rating.objects.filter(level__in=['dissatisfied', 'very_dissatisfied']).count():,} bad")
    worst_ours, total_ours, total_base = 0.0, 0.0, 0.0
    for dimension in ("district", "agency", "outlet", "item", "staff"):
        ours_s, ours_out = best(ours, period, dimension)
        base_s, base_out = best(baseline, period, dimension)
        if ours_out != base_out:
            print(f"MISMATCH for {dimension}")
            return 1
        worst_ours, total_ours, total_base = max(worst_ours, ours_s), total_ours + ours_s, total_base + base_s
        print(f"  by {dimension:8}: ours {ours_s * 1000:7.1f} ms   baseline {base_s * 1000:7.1f} ms   ratio {base_s / ours_s:5.1f}×")
    ratio = total_base / total_ours
    met = worst_ours < target_seconds and ratio >= target_ratio
    print(f"all five pages: ours {total_ours:.3f} s, baseline {total_base:.3f} s, ratio {ratio:.1f}×; slowest page {worst_ours:.3f} s")
    print(f"target: every page < {target_seconds} s and ≥ {target_ratio}× overall — " + ("met" if met else "MISSED"))
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
