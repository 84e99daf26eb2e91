"""Write the Xi'an bundles (run inside `manage.py load_xian`'s transaction, after the catalog).

Idempotent and keyed by code: a bundle that exists is left as it is (an editor may have published
version 2 since), so a second run creates nothing. Every member is matched in the catalog by its
guide's name and its agency (the first the seed table lists); a member that matches no item in
force, or more than one, is an error of the seed data, never skipped: the run fails listing every
problem and nothing is written. So does a new bundle that breaks a rule of rules.py.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from yiwang.bundles.constants import VersionStatus
from yiwang.bundles.models import Bundle, BundleMember, BundleQuestion, BundleVersion, published_content_writes
from yiwang.bundles.rules import definition_problems
from yiwang.bundles.seed import xian_enterprise, xian_person, xian_scenes, yanta
from yiwang.bundles.seed.spec import SeedBundle
from yiwang.bundles.selectors import definitions_of, published_versions
from yiwang.catalog import selectors as catalog_selectors
from yiwang.core.audit import record_event
from yiwang.orgs.selectors import organisations_by_short_name

ACTOR = "seed:xian"
CHANGE_NOTE = "西安市“一件事”种子数据首次发布（manage.py load_xian）"


class BundleSeedInvalid(ValueError):
    """The bundle seed does not fit the catalog; the message lists every problem."""


def seed_bundles() -> list[SeedBundle]:
    """All 35, in the order of the seed tables."""
    enterprise = {b.code: b for b in xian_enterprise.BUNDLES}
    person = {b.code: b for b in xian_person.BUNDLES}
    ordered = [enterprise.get(f"XA-2024-1-{n:02d}") or person[f"XA-2024-1-{n:02d}"] for n in range(1, 14)]
    ordered += [enterprise.get(f"XA-2024-2-{n:02d}") or person[f"XA-2024-2-{n:02d}"] for n in range(1, 9)]
    return ordered + list(xian_scenes.BUNDLES) + list(yanta.BUNDLES)


def summary_of(bundle: SeedBundle) -> str:
    agencies = len({member.agencies[0] for member in bundle.members})
    return (f"{bundle.name}涉及{len(bundle.members)}个事项、{agencies}个部门：一次告知、一表申请、一套材料、一窗受理，"
            "各部门并联办理，结果一次送达。")


def _match(bundles: list[SeedBundle]) -> tuple[dict, list[str]]:
    pairs = {(member.item, member.agencies[0]) for b in bundles for member in b.members}
    found = catalog_selectors.published_implementations_named(pairs)
    problems = []
    matched = {}
    for bundle in bundles:
        for member in bundle.members:
            key = (catalog_selectors.normalise_item_name(member.item), member.agencies[0])
            hits = found.get(key, [])
            if len(hits) != 1:
                what = "没有已发布的事项" if not hits else f"有 {len(hits)} 个同名事项"
                problems.append(f"{bundle.code} {bundle.name}：成员「{member.item}」（{member.agencies[0]}）在事项目录中{what}")
                continue
            matched[(member.item, member.agencies[0])] = hits[0]
    guides = catalog_selectors.guide_facts({i.pk for i in matched.values()})
    for bundle in bundles:
        for member in bundle.members:
            implementation = matched.get((member.item, member.agencies[0]))
            if implementation is None:
                continue
            co = {o.short_name for o in guides[implementation.pk].co_agencies.all()}
            missing = [a for a in member.agencies[1:] if a not in co]
            if missing:
                problems.append(f"{bundle.code} {bundle.name}：成员「{member.item}」的联办单位缺少 {'、'.join(missing)}")
    return matched, problems


def _options(bundle: SeedBundle, question, ids: dict[str, int], problems: list[str]) -> list[dict]:
    def member_id(name: str) -> int | None:
        if name not in ids:
            problems.append(f"{bundle.code} {bundle.name}：情形问题「{question.text}」引用的成员「{name}」不在本一件事中")
        return ids.get(name)

    options = []
    for option in question.options:
        options.append({
            "value": option.value, "label": option.label,
            "excludes": [i for i in (member_id(n) for n in option.excludes) if i],
            "drops": [{"member": i, "material": material} for name, material in option.drops if (i := member_id(name))],
            "adds": [{"member": i, "name": material, "notes": notes} for name, material, notes in option.adds if (i := member_id(name))],
        })
    return options


@transaction.atomic
def load_bundles() -> int:
    """Create the seeded bundles that do not exist yet; returns how many were created."""
    bundles = seed_bundles()
    existing = set(Bundle.objects.filter(code__in=[b.code for b in bundles]).values_list("code", flat=True))
    new = [b for b in bundles if b.code not in existing]
    if not new:
        return 0
    matched, problems = _match(new)
    stewards = organisations_by_short_name({b.steward for b in new})
    events = catalog_selectors.life_events_named({n for b in new for n in (b.name, f"{b.name}一件事")})
    plans = []
    for bundle in new:
        event = events.get(bundle.name) or events.get(f"{bundle.name}一件事")
        if event is None:
            problems.append(f"{bundle.code} {bundle.name}：事项目录的生命周期树中没有对应的办事场景")
        if bundle.steward not in stewards:
            problems.append(f"{bundle.code} {bundle.name}：维护单位「{bundle.steward}」不存在")
        implementations = [matched.get((m.item, m.agencies[0])) for m in bundle.members]
        lead = next((i.agency for i, m in zip(implementations, bundle.members, strict=True)
                     if i is not None and m.agencies[0] == bundle.lead_agencies[0]), None)
        if lead is None:
            problems.append(f"{bundle.code} {bundle.name}：牵头部门「{bundle.lead_agencies[0]}」不实施任何成员事项")
        ids = {m.item: i.pk for m, i in zip(bundle.members, implementations, strict=True) if i is not None}
        for member in bundle.members:
            for name in member.after:
                if name not in ids:
                    problems.append(f"{bundle.code} {bundle.name}：「{member.item}」依赖的「{name}」不在本一件事中")
        questions = [(question, _options(bundle, question, ids, problems)) for question in bundle.questions]
        plans.append((bundle, event, lead, ids, questions))
    if problems:
        raise BundleSeedInvalid(f"“一件事”种子数据有 {len(problems)} 处与事项目录不符，未写入任何数据：\n" + "\n".join(problems))

    now = timezone.now()
    created = []
    with published_content_writes():
        for bundle, event, lead, ids, questions in plans:
            record = Bundle.objects.create(code=bundle.code, steward=stewards[bundle.steward])
            version = BundleVersion.objects.create(
                bundle=record, number=1, status=VersionStatus.PUBLISHED, change_note=CHANGE_NOTE, name=bundle.name,
                summary=summary_of(bundle), stage=event.theme.stage, life_event=event, lead_agency=lead,
                separate_elements=sorted(bundle.separate), published_at=now,
                source_reference=f"{bundle.source}（{bundle.stage}）{'；' + bundle.note if bundle.note else ''}"[:300])
            BundleMember.objects.bulk_create([
                BundleMember(version=version, implementation_id=ids[m.item], order=i, is_lead=m.lead, listed_as=m.listed_as,
                             depends_on=[ids[n] for n in m.after]) for i, m in enumerate(bundle.members)])
            BundleQuestion.objects.bulk_create([
                BundleQuestion(version=version, order=i, key=question.key, text=question.text, help_text=question.help_text,
                               options=options) for i, (question, options) in enumerate(questions)])
            record.current_version = version
            record.save(update_fields=["current_version", "updated_at"])
            created.append((bundle, record, version))
    versions = list(published_versions().filter(pk__in=[v.pk for _, _, v in created]))
    definitions = definitions_of(versions)
    lines = [f"{v.bundle.code} {v.name}：{p.field} — {p.message}" for v in versions for p in definition_problems(definitions[v.pk])]
    if lines:
        raise BundleSeedInvalid(f"“一件事”种子数据有 {len(lines)} 处不符合一件事规则，未写入任何数据：\n" + "\n".join(lines))
    for bundle, record, version in created:
        record_event(actor=ACTOR, action="bundles.seeded", obj=record,
                     details={"code": bundle.code, "name": bundle.name, "version_id": version.pk, "members": len(bundle.members)})
    return len(created)
