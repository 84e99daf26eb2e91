"""Bundle intake benchmark: a 10-member bundle application against single-item applications.

Workload: in one process, against a fresh test database (PostgreSQL when DATABASE_URL names one,
else SQLite), interleaved rounds of (a) single-item submissions through cases' intake
(`application_submit`) and (b) bundle submissions of a 10-member bundle
(`bundle_application_submit`: situational answers, merged form split per member, merged
materials attached to each member, ten cases written through the same intake) — each with a fresh
applicant-level idempotency key, the same file reused.

Prints: submissions per second of each (median of the rounds), their ratio, errors, and lost
submissions (successful calls minus rows in the database afterwards: cases for single items,
bundle cases × 10 member cases for bundles).
Target (issue 10 §6): ratio >= 0.3 (a bundle writes ten cases), 0 errors, 0 lost. Exit status 1
on a miss.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/h_bundles2 .venv/bin/python benchmarks/bundles.py [--rounds 3] [--seconds 5]
This measures the service layer (no HTTP server): what a bundle costs beyond its ten cases.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test" if (ROOT / "config/settings/test.py").exists()
                      else "config.settings.base")

MEMBERS = 10
TARGET_RATIO = 0.3


def build():
    """Ten published items of three agencies, a bundle over them (a chain of three, the rest in
    parallel), one single item, an applicant with one stored file."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from yiwang.accounts.tests.factories import UserFactory
    from yiwang.bundles.constants import VersionStatus
    from yiwang.bundles.models import Bundle, BundleMember, BundleVersion, published_content_writes
    from yiwang.bundles.tests.factories import item
    from yiwang.cases.services import stored_file_create
    from yiwang.cases.tests.conftest import PDF_BYTES
    from yiwang.catalog.models import LifeStage
    from yiwang.orgs.tests.factories import OrganisationFactory

    agencies = [OrganisationFactory(name=f"西安市测试局{i}") for i in range(3)]
    versions = []
    for i in range(MEMBERS):
        versions.append(item(f"测试事项{i}", agencies[i % 3], promised=i + 1, materials=[
            (f"测试事项{i}申请表", "required", "online_form", ""), ("法定代表人居民身份证", "required", "applicant", ""),
            ("营业执照副本", "required", "licence_library", "LIC-BUSINESS-LICENCE"), (f"测试事项{i}专项材料", "required", "applicant", "")],
            fields=[("enterprise.name", "单位名称", True), ("premises.address", "经营场所地址", True)]))
    single = item("单项测试事项", agencies[0], promised=5, materials=[("单项申请表", "required", "online_form", "")],
                  fields=[("enterprise.name", "单位名称", True)])
    stage = LifeStage.objects.create(subject="enterprise", name="准入准营", order=1)
    with published_content_writes():
        bundle = Bundle.objects.create(code="XA-BENCH-01", steward=agencies[0])
        version = BundleVersion.objects.create(bundle=bundle, number=1, status=VersionStatus.PUBLISHED, name="测试一件事",
                                               stage=stage, lead_agency=agencies[0])
        for order, v in enumerate(versions):
            depends = [versions[order - 1].implementation_id] if 0 < order < 3 else []
            BundleMember.objects.create(version=version, implementation_id=v.implementation_id, order=order, is_lead=order == 0,
                                        depends_on=depends)
        bundle.current_version = version
        bundle.save(update_fields=["current_version"])
    applicant = UserFactory(real_name="测试申请人")
    stored = stored_file_create(actor=applicant, owner=applicant, upload=SimpleUploadedFile(
        "a.pdf", PDF_BYTES))
    return version, single, applicant, stored


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        return run(args)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run(args) -> int:
    from yiwang.bundles.applications import bundle_application_submit
    from yiwang.bundles.models import BundleCase, BundleCaseMember
    from yiwang.bundles.selectors import bundle_checklist
    from yiwang.cases.models import Case
    from yiwang.cases.services import application_submit

    version, single, applicant, stored = build()
    checklist = bundle_checklist(version, {})
    form = {f.name: "西安市测试地址 1 号" for f in checklist.form.fields}
    materials = {m.key: {"file": stored.pk} for m in checklist.materials.merged if m.submitted}
    single_materials = {str(single.materials.get().pk): {"file": stored.pk}}
    counter = {"n": 0}
    errors = {"single": 0, "bundle": 0}
    ok = {"single": 0, "bundle": 0}

    def one_single():
        counter["n"] += 1
        application_submit(actor=applicant, applicant=applicant, implementation_id=single.implementation_id,
                           form_data={"enterprise.name": "测试公司"}, materials=single_materials,
                           idempotency_key=f"s-{counter['n']}")

    def one_bundle():
        counter["n"] += 1
        bundle_application_submit(actor=applicant, applicant=applicant, bundle_id=version.bundle_id, answers={},
                                  form_data=form, materials=materials, idempotency_key=f"b-{counter['n']}")

    def measure(kind, fn) -> float:
        done, start = 0, time.perf_counter()
        while time.perf_counter() - start < args.seconds:
            try:
                fn()
                ok[kind] += 1
                done += 1
            except Exception as exc:  # noqa: BLE001 — every failure counts as an error, and is shown
                errors[kind] += 1
                print(f"{kind} error: {exc!r}", file=sys.stderr)
        return done / (time.perf_counter() - start)

    one_single(), one_bundle()  # warm the per-process caches
    ok["single"] += 1
    ok["bundle"] += 1
    rates = {"single": [], "bundle": []}
    for _ in range(args.rounds):
        rates["single"].append(measure("single", one_single))
        rates["bundle"].append(measure("bundle", one_bundle))
    single_rate, bundle_rate = statistics.median(rates["single"]), statistics.median(rates["bundle"])
    ratio = bundle_rate / single_rate if single_rate else 0.0
    lost_single = ok["single"] - Case.objects.filter(implementation_id=single.implementation_id).count()
    lost_bundle = ok["bundle"] - BundleCase.objects.count()
    lost_members = ok["bundle"] * MEMBERS - BundleCaseMember.objects.count()
    print(f"database: {__import__('django.db').db.connection.vendor}")
    print(f"single-item submissions/s: {single_rate:.1f} (rounds {', '.join(f'{r:.1f}' for r in rates['single'])})")
    print(f"{MEMBERS}-member bundle submissions/s: {bundle_rate:.1f} (rounds {', '.join(f'{r:.1f}' for r in rates['bundle'])})")
    print(f"ratio: {ratio:.2f} (target >= {TARGET_RATIO})")
    print(f"errors: {errors['single'] + errors['bundle']}; lost: {lost_single + lost_bundle + lost_members}")
    passed = ratio >= TARGET_RATIO and not any(errors.values()) and lost_single == lost_bundle == lost_members == 0
    print("PASS" if passed else "MISS")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
