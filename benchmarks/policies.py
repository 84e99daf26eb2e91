"""Benchmark: match 2,000,000 generated enterprises against 500 policies, and re-match one
changed profile.

Workload 1 — full match. 2,000,000 enterprises generated as columns (industry codes of GB/T 4754
over 80 classes weighted towards retail, catering and services; size; district of Xi'an or
elsewhere; credit grade; years since founding; employees; each attribute missing for 2–6 % of
them) and 500 policies drawn from a pool of 240 conditions of the kinds real policies use
(行业前缀, 规模, 区县, 信用, 成立年限, 从业人数; nested any/not in a third of them). Every rule is
validated first. Ours: vectorised.compile_rule over one Frame (numpy), conditions shared between
policies computed once (bounded cache), each policy's eligible set kept as a bitmap (np.packbits).
Check: on 2,000 random subjects the reference evaluator (rules.evaluate) agrees with every policy.
  Target (issue 12): under 5 minutes.

Workload 2 — incremental. 300 times: one subject's profile changes (one or two attributes), it is
re-evaluated against the 500 policies with the reference evaluator, the bitmaps are updated and the
newly eligible policies listed (they would be pushed). Then the same through the database: a fresh
SQLite database (var/bench_policies.sqlite3, migrated) with the 500 policies published and one
enterprise profile; `services.subject_rematch` (the policies in force from memory, the subject's
matches, only the changed rows written, grouped, pushes) after 50 profile changes.
  Target (issue 12): under 50 ms per changed profile (p95, both ways).

CPU time (time.process_time) is reported beside wall-clock; the targets use CPU time because the
shared 2-core machine runs other work. Exits 1 on a missed target or a disagreement.

Run: .venv/bin/python benchmarks/policies.py [--subjects 2000000] [--policies 500] [--no-db]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB_PATH = ROOT / "var" / "bench_policies.sqlite3"

INDUSTRIES = [  # (code, weight)
    ("F5211", 9), ("F5292", 6), ("F5123", 3), ("F5261", 2), ("H6210", 8), ("H6220", 5), ("H6231", 2), ("H6110", 2),
    ("I6510", 5), ("I6520", 3), ("I6540", 2), ("I6410", 1), ("L7211", 4), ("L7240", 3), ("L7281", 2), ("M7320", 2),
    ("M7491", 2), ("M7520", 2), ("C3911", 1), ("C3971", 1), ("C3670", 1), ("C1431", 1), ("C2710", 1), ("C3311", 1),
    ("E4710", 3), ("E4813", 1), ("E5011", 2), ("G5430", 3), ("G5810", 2), ("G6020", 1), ("K7010", 2), ("K7020", 2),
    ("O8010", 3), ("O8051", 2), ("O8111", 2), ("P8321", 1), ("P8391", 1), ("Q8411", 1), ("Q8421", 1), ("R8710", 1),
    ("R8810", 1), ("R9011", 1), ("A0111", 1), ("A0312", 1), ("J6620", 1), ("N7711", 1), ("S9421", 1), ("B0610", 1),
]
DISTRICTS = [("610102", 8), ("610103", 8), ("610104", 8), ("610111", 6), ("610112", 10), ("610113", 14),
             ("610114", 2), ("610115", 3), ("610116", 9), ("610117", 3), ("610118", 3), ("610122", 2),
             ("610124", 2), ("610402", 4), ("610502", 2), ("110105", 1)]
SIZES = ["large", "medium", "small", "micro"]
GRADES = ["A", "B", "C", "D"]


def setup_django(database_url: str | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    import django

    django.setup()


def generate_frame(n: int, seed: int = 12):
    import numpy as np

    from yiwang.policies.vectorised import CODE_WIDTH, Frame

    rng = np.random.default_rng(seed)

    def pick(pairs, missing):
        codes = np.array([c for c, _ in pairs] + [""], dtype=f"S{CODE_WIDTH}")
        weights = np.array([w for _, w in pairs], dtype=float)
        weights = np.append(weights / weights.sum() * (1 - missing), missing)
        return codes[rng.choice(len(codes), size=n, p=weights)]

    def enum(k, p, missing):
        codes = rng.choice(k, size=n, p=p).astype(np.int8)
        codes[rng.random(n) < missing] = -1
        return codes

    def number(values, missing):
        out = values.astype(np.float64)
        out[rng.random(n) < missing] = np.nan
        return out

    size = enum(4, [0.01, 0.06, 0.33, 0.60], 0.05)
    employees = np.where(size == 0, rng.integers(300, 5000, n), np.where(size == 1, rng.integers(100, 300, n),
                         np.where(size == 2, rng.integers(10, 100, n), rng.integers(0, 10, n))))
    return Frame({
        "industry_code": pick(INDUSTRIES, 0.03),
        "enterprise_size": size,
        "district": pick(DISTRICTS, 0.02),
        "credit_grade": enum(4, [0.35, 0.5, 0.1, 0.05], 0.06),
        "years_since_founding": number(np.minimum(rng.exponential(6, n).astype(int), 60), 0.02),
        "employees": number(employees, 0.04),
    })


def condition_pool(rng: random.Random) -> list[dict]:
    sections = sorted({c[0] for c, _ in INDUSTRIES})
    divisions = sorted({c[:3] for c, _ in INDUSTRIES})
    pool = []
    for _ in range(60):
        k = rng.choice([1, 1, 2, 3])
        pool.append({"attr": "industry_code", "op": "prefix",
                     "value": rng.sample(divisions if rng.random() < 0.7 else sections, k)})
    for _ in range(20):
        pool.append({"attr": "industry_code", "op": "not_prefix", "value": rng.sample(sections, rng.choice([1, 2]))})
    for subset in (["small", "micro"], ["micro"], ["medium", "small", "micro"], ["small"], ["large", "medium"]):
        pool.append({"attr": "enterprise_size", "op": "in", "value": subset})
    pool.append({"attr": "district", "op": "prefix", "value": ["6101"]})
    for code, _ in DISTRICTS[:13]:
        pool.append({"attr": "district", "op": "==", "value": code})
        pool.append({"attr": "district", "op": "prefix", "value": [code, rng.choice(DISTRICTS[:13])[0]]})
    for subset in (["A"], ["A", "B"]):
        pool.append({"attr": "credit_grade", "op": "in", "value": subset})
    pool.append({"attr": "credit_grade", "op": "not_in", "value": ["C", "D"]})
    for _ in range(40):
        op = rng.choice(["<=", ">=", "between"])
        value = [rng.randint(0, 5), rng.randint(6, 20)] if op == "between" else rng.randint(1, 15)
        pool.append({"attr": "years_since_founding", "op": op, "value": value})
    for _ in range(60):
        op = rng.choice(["<=", ">=", "between", "<"])
        value = sorted([rng.randint(0, 200), rng.randint(5, 1000)]) if op == "between" else rng.randint(1, 500)
        pool.append({"attr": "employees", "op": op, "value": value})
    while len(pool) < 240:
        pool.append({"attr": "employees", "op": "known"} if len(pool) % 2 else {"attr": "credit_grade", "op": "known"})
    return pool[:240]


def generate_policies(count: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    pool = condition_pool(rng)
    policies = []
    # One to three conditions (nested any/not in a third): real policies name a few conditions, and
    # a rule of five narrow ones matches nobody, which would measure little.
    for _ in range(count):
        parts = rng.sample(pool, rng.choice([1, 2, 2, 3]))
        if rng.random() < 0.2:
            parts.append({"any": rng.sample(pool, 2)})
        if rng.random() < 0.15:
            parts.append({"not": rng.choice(pool)})
        policies.append({"all": parts})
    return policies


def subject_row(frame, i: int) -> dict:
    """Row i of the frame as the reference evaluator reads a subject."""
    import math

    from yiwang.policies.constants import ATTRIBUTES, AttrType

    out = {}
    for name, column in frame.columns.items():
        attribute, value = ATTRIBUTES[name], column[i]
        if attribute.type == AttrType.NUMBER:
            out[name] = None if math.isnan(value) else float(value)
        elif attribute.type == AttrType.ENUM:
            out[name] = attribute.choices[value][0] if value >= 0 else None
        else:
            out[name] = value.decode() or None
    return out


def full_match(frame, policies):
    import numpy as np

    from yiwang.policies.vectorised import compile_rule

    bitmaps, counts = [], []
    for rule in policies:
        true, _ = compile_rule(rule)(frame)
        bitmaps.append(np.packbits(true))
        counts.append(int(true.sum()))
    return bitmaps, counts


def incremental(frame, policies, bitmaps, rounds: int, rng: random.Random) -> list[float]:
    from yiwang.policies import rules

    timings = []
    changes = [("employees", lambda: float(rng.randint(0, 400))), ("enterprise_size", lambda: rng.choice(SIZES)),
               ("credit_grade", lambda: rng.choice(GRADES)), ("district", lambda: rng.choice(DISTRICTS)[0]),
               ("industry_code", lambda: rng.choice(INDUSTRIES)[0]), ("years_since_founding", lambda: float(rng.randint(0, 30)))]
    for _ in range(rounds):
        i = rng.randrange(frame.n)
        subject = subject_row(frame, i)
        for name, value in rng.sample(changes, rng.choice([1, 2])):
            subject[name] = value()
        start = time.process_time()
        byte, bit = divmod(i, 8)
        mask = 0x80 >> bit
        newly = []
        for p, rule in enumerate(policies):
            now = rules.evaluate(rule, subject) is True
            before = bool(bitmaps[p][byte] & mask)
            if now != before:
                bitmaps[p][byte] ^= mask
                if now:
                    newly.append(p)
        timings.append((time.process_time() - start) * 1000)
    return timings


def db_incremental(policies: list[dict], rounds: int) -> list[float]:
    """The service path on a migrated SQLite database: 500 published policies, one enterprise."""
    import datetime as dt

    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from yiwang.licences.models import Profile
    from yiwang.policies.models import Policy
    from yiwang.policies.services import subject_rematch

    call_command("migrate", verbosity=0)
    connection.cursor().execute("PRAGMA synchronous = NORMAL")
    Policy.objects.all().delete()
    Policy.objects.bulk_create([Policy(code=f"bench-{i}", title=f"政策 {i}", category="subsidy", kind="application",
                                       subject_kind="enterprise", rules=rule, status="published",
                                       published_at=timezone.now()) for i, rule in enumerate(policies)])
    Profile.objects.filter(subject_id_index="bench").delete()
    profile = Profile.objects.create(kind="enterprise", subject_id="91610113MA6W12345X", subject_id_index="bench",
                                     name="西安基准测试有限公司", industry_code="H6210", enterprise_size="small",
                                     district="610113", credit_grade="A", founded_on=dt.date(2019, 5, 20), employees=28)
    subject_rematch(profile_id=profile.pk)  # the first match writes 500 rows (not a change)
    rng = random.Random(3)
    timings, walls, eligible = [], [], []
    for _ in range(rounds):
        Profile.objects.filter(pk=profile.pk).update(employees=rng.randint(0, 400),
                                                     enterprise_size=rng.choice(SIZES), credit_grade=rng.choice(GRADES))
        start, wall = time.process_time(), time.perf_counter()
        eligible.append(subject_rematch(profile_id=profile.pk)["eligible"])
        timings.append((time.process_time() - start) * 1000)
        walls.append((time.perf_counter() - wall) * 1000)
    print(f"  the enterprise qualifies for {min(eligible)}–{max(eligible)} of {len(policies)} policies; "
          f"wall p50 {statistics.median(walls):.1f} ms, p95 {p95(walls):.1f} ms")
    return timings


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 20 else max(values)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subjects", type=int, default=2_000_000)
    parser.add_argument("--policies", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--no-db", action="store_true")
    args = parser.parse_args()
    if not args.no_db:
        DB_PATH.parent.mkdir(exist_ok=True)
        DB_PATH.unlink(missing_ok=True)
    setup_django(None if args.no_db else f"sqlite:///{DB_PATH}")
    from yiwang.policies import rules

    ok = True
    wall, cpu = time.perf_counter(), time.process_time()
    frame = generate_frame(args.subjects)
    print(f"generated {frame.n:,} enterprises in {time.perf_counter() - wall:.1f} s")
    policies = generate_policies(args.policies)
    problems = [p for rule in policies for p in rules.validate(rule, subject_kind="enterprise")]
    if problems:
        print("invalid generated rules:", problems[:3])
        return 1

    wall, cpu = time.perf_counter(), time.process_time()
    bitmaps, counts = full_match(frame, policies)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    pairs = sum(counts)
    print(f"full match: {frame.n:,} x {len(policies)} = {frame.n * len(policies):,} pairs in {wall:.1f} s wall, "
          f"{cpu:.1f} s CPU ({frame.n * len(policies) / cpu / 1e6:.0f} M pairs/s CPU); eligible pairs {pairs:,} "
          f"(median per policy {int(statistics.median(counts)):,}, policies with none {sum(c == 0 for c in counts)})")
    if cpu > 300:
        print("MISS: full match over 5 minutes")
        ok = False

    import numpy as np

    rng = random.Random(5)
    sample = rng.sample(range(frame.n), 2000)
    disagreements = 0
    for i in sample:
        subject = subject_row(frame, i)
        byte, bit = divmod(i, 8)
        for p, rule in enumerate(policies):
            if (rules.evaluate(rule, subject) is True) != bool(bitmaps[p][byte] & (0x80 >> bit)):
                disagreements += 1
    print(f"check: 2,000 subjects x {len(policies)} policies against the reference evaluator: {disagreements} disagreements")
    ok &= disagreements == 0

    timings = incremental(frame, policies, bitmaps, args.rounds, rng)
    print(f"incremental (in memory): {args.rounds} changed profiles x {len(policies)} policies: "
          f"p50 {statistics.median(timings):.2f} ms, p95 {p95(timings):.2f} ms, max {max(timings):.2f} ms CPU")
    if p95(timings) > 50:
        print("MISS: incremental re-match over 50 ms")
        ok = False
    del bitmaps, frame
    np.random.default_rng(0)

    if not args.no_db:
        timings = db_incremental(policies, 50)
        print(f"incremental (database, services.subject_rematch): 50 changes x {len(policies)} policies: "
              f"p50 {statistics.median(timings):.1f} ms, p95 {p95(timings):.1f} ms, max {max(timings):.1f} ms CPU")
        if p95(timings) > 50:
            print("MISS: incremental re-match through the database over 50 ms")
            ok = False
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
