"""Reads: the public library, a subject's policies with the reasons, a policy's eligible subjects,
and the staff test harness (a rule run on sample subjects and on the profiles on file)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.contrib.auth import get_user_model
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils import timezone

from yiwang.cases import selectors as cases_selectors
from yiwang.licences import selectors as licences
from yiwang.policies import rules
from yiwang.policies.constants import ATTRIBUTES, AttrType, EntitlementStatus, PolicyCategory, PolicyKind, PolicyStatus, SubjectKind
from yiwang.policies.models import Entitlement, Policy, PolicyMatch
from yiwang.policies.subjects import attributes_of_kind, subject_attributes
from yiwang.policies.vectorised import Frame, compile_rule


def in_force(on: dt.date | None = None) -> Q:
    on = on or timezone.localdate()
    return (Q(status=PolicyStatus.PUBLISHED) & (Q(valid_from__isnull=True) | Q(valid_from__lte=on))
            & (Q(valid_until__isnull=True) | Q(valid_until__gte=on)))


def public_policies(*, subject_kind: str = "", category: str = "", q: str = "") -> QuerySet[Policy]:
    qs = Policy.objects.filter(in_force()).select_related("issuing_body").order_by("subject_kind", "category", "code")
    if subject_kind in SubjectKind.values:
        qs = qs.filter(subject_kind=subject_kind)
    if category in PolicyCategory.values:
        qs = qs.filter(category=category)
    text = (q or "").strip()[:50]
    if text:
        qs = qs.filter(Q(title__contains=text) | Q(summary__contains=text) | Q(benefit__contains=text))
    return qs


def public_policy(code: str) -> Policy | None:
    return Policy.objects.filter(in_force(), code=code).select_related("issuing_body").first()


def policies_in_force(kind: str, *, on: dt.date | None = None) -> list[Policy]:
    return list(Policy.objects.filter(in_force(on), subject_kind=kind).select_related("issuing_body"))


# The policies in force per kind, kept in memory per process: a profile change re-matches against
# all of them, and reading 500 rules (JSON) for every change costs more than the matching. The key
# holds the library's version stamp (one aggregate query, so a change made by another process is
# seen at once) and a local generation bumped on every save/delete in this process (a rolled-back
# change can repeat the same stamp, e.g. in tests).
_IN_FORCE: dict[str, tuple[tuple, list[Policy]]] = {}
_generation = [0]


def library_changed(**kwargs) -> None:
    """Policy saved or deleted in this process (connected in PoliciesConfig.ready)."""
    _generation[0] += 1
    _IN_FORCE.clear()


def library_stamp(kind: str) -> tuple:
    row = Policy.objects.filter(subject_kind=kind).aggregate(n=Count("id"), top=Max("id"), last=Max("updated_at"),
                                                             versions=Sum("version"))
    return (_generation[0], row["n"], row["top"], row["last"], row["versions"])


def policies_in_force_cached(kind: str, *, on: dt.date | None = None) -> list[Policy]:
    """policies_in_force, from memory while the library is unchanged (treat the list as read-only)."""
    on = on or timezone.localdate()
    key = (on, *library_stamp(kind))
    cached = _IN_FORCE.get(kind)
    if cached is not None and cached[0] == key:
        return cached[1]
    policies = policies_in_force(kind, on=on)
    _IN_FORCE[kind] = (key, policies)
    return policies


def rule_lines(policy: Policy) -> list[tuple[int, str]]:
    return rules.rule_lines(policy.rules or {"all": []})


# --- One subject ---------------------------------------------------------------------------------


def period_of(policy: Policy) -> str:
    """The policy period an entitlement belongs to: one case per subject, policy and period."""
    return f"{policy.valid_from or ''}~{policy.valid_until or ''}"


def _attach_cases(entitlements: list[Entitlement], user_id) -> None:
    """Set `.case_row` on each entitlement: its case (免申即享), or the case its application filed
    (依申请), read through the cases selectors; `.draft_id` when the application is still a draft."""
    for e in entitlements:
        e.case_row, e.draft_id = None, None
    if not user_id:
        return
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        return
    case_ids = {e.case_id for e in entitlements if e.case_id}
    application_ids = {e.application_id for e in entitlements if e.application_id}
    if not case_ids and not application_ids:
        return
    cases = list(cases_selectors.cases_of_applicant(user).filter(Q(pk__in=case_ids) | Q(application_id__in=application_ids)))
    by_id = {c.pk: c for c in cases}
    by_application = {c.application_id: c for c in cases}
    drafts = {d.pk for d in cases_selectors.drafts_of(user).filter(pk__in=application_ids)} if application_ids else set()
    for e in entitlements:
        e.case_row = by_id.get(e.case_id) or by_application.get(e.application_id)
        if e.case_row is None and e.application_id in drafts:
            e.draft_id = e.application_id


def subject_of(user) -> dict | None:
    """The signed-in citizen's or enterprise's profile attributes (licences), or None."""
    return licences.profile_attributes_of_user(user)


def policies_for_subject(profile: dict, *, on: dt.date | None = None) -> list[dict]:
    """Every policy in force for the subject's kind, each with its explanation; eligible first."""
    on = on or timezone.localdate()
    values = subject_attributes(profile, on=on)
    entitlements: dict[int, Entitlement] = {}
    for e in Entitlement.objects.filter(profile_id=profile["profile_id"]).order_by("offered_at", "id"):
        entitlements[e.policy_id] = e  # the latest of each policy (the current period's, as periods follow each other)
    _attach_cases(list(entitlements.values()), profile.get("user_id"))
    rows = []
    for policy in policies_in_force(profile["kind"], on=on):
        explanation = rules.explain(policy.rules or {"all": []}, values)
        rows.append({"policy": policy, "explanation": explanation, "eligible": explanation.result is True,
                     "reasons": explanation.failing(), "entitlement": entitlements.get(policy.pk)})
    rows.sort(key=lambda r: (not r["eligible"], r["policy"].code))
    return rows


def my_policies(user, *, on: dt.date | None = None) -> dict:
    profile = subject_of(user)
    if profile is None:
        return {"profile": None, "eligible": [], "ineligible": [], "offers": []}
    rows = policies_for_subject(profile, on=on)
    offers = [r["entitlement"] for r in rows if r["entitlement"] is not None and r["policy"].kind == PolicyKind.AUTOMATIC]
    return {"profile": profile, "eligible": [r for r in rows if r["eligible"]],
            "ineligible": [r for r in rows if not r["eligible"]], "offers": offers}


def explanation_for(policy: Policy, profile: dict, *, on: dt.date | None = None) -> rules.Explanation:
    return rules.explain(policy.rules or {"all": []}, subject_attributes(profile, on=on or timezone.localdate()))


def entitlements_of(user) -> QuerySet[Entitlement]:
    return Entitlement.objects.filter(user_id=user.pk).select_related("policy")


def entitlement_of_case(case_id: int) -> Entitlement | None:
    """The entitlement a case was filed for (the case page's panel), or None."""
    return Entitlement.objects.select_related("policy").filter(case_id=case_id).first()


def entitlement_for(policy: Policy, profile_id: int) -> Entitlement | None:
    """The subject's entitlement of the policy's current period."""
    return Entitlement.objects.filter(policy=policy, profile_id=profile_id, period=period_of(policy)).first()


def entitlements_to_sweep(*, offered_before) -> dict:
    """Offers still open: those past the confirmation period, and those without a case whose
    policy names an implementation (made before cases existed, or whose filing failed)."""
    open_offers = Entitlement.objects.filter(status=EntitlementStatus.OFFERED).select_related("policy")
    return {"lapsing": list(open_offers.filter(offered_at__lt=offered_before)),
            "without_case": list(open_offers.filter(offered_at__gte=offered_before, case__isnull=True,
                                                    policy__implementation__isnull=False, user__isnull=False))}


# --- Staff ---------------------------------------------------------------------------------------


def staff_policies(*, status: str = "") -> QuerySet[Policy]:
    qs = Policy.objects.select_related("issuing_body").order_by("status", "code")
    return qs.filter(status=status) if status in PolicyStatus.values else qs


def policy_by_id(policy_id) -> Policy | None:
    try:
        return Policy.objects.select_related("issuing_body").filter(pk=int(policy_id)).first()
    except (TypeError, ValueError):
        return None


def policy_figures(policy: Policy) -> dict:
    matches = PolicyMatch.objects.filter(policy=policy)
    counts = Counter(matches.values_list("eligible", flat=True))
    entitlements = Counter(Entitlement.objects.filter(policy=policy).values_list("status", flat=True))
    return {"eligible": counts.get(True, 0), "ineligible": counts.get(False, 0),
            "notified": matches.filter(notified_at__isnull=False).count(), "entitlements": dict(entitlements)}


def eligible_subjects(policy: Policy, *, limit: int = 100) -> list[PolicyMatch]:
    return list(PolicyMatch.objects.filter(policy=policy, eligible=True).order_by("subject_name", "profile_id")[:limit])


def sample_subject_from_form(kind: str, data) -> tuple[dict, list[str]]:
    """A sample subject typed into the test harness (attribute values as text) -> values, problems."""
    values, problems = {}, []
    for name in attributes_of_kind(kind):
        attribute = ATTRIBUTES[name]
        raw = (data.get(name) or "").strip()
        if not raw:
            values[name] = "none" if name == "disability_grade" else None
            continue
        if attribute.type == AttrType.NUMBER:
            try:
                values[name] = float(raw) if "." in raw else int(raw)
            except ValueError:
                problems.append(f"{attribute.label}：应为数字。")
        elif attribute.type == AttrType.ENUM:
            if raw not in dict(attribute.choices):
                problems.append(f"{attribute.label}：请选择列表中的值。")
            else:
                values[name] = raw
        else:
            values[name] = raw.upper()[:12]
    return values, problems


def population_preview(rule: dict, kind: str, *, on: dt.date | None = None, limit: int = 200_000) -> dict:
    """How many profiles on file the rule would make eligible (and how many it cannot decide for
    missing information), without writing anything: the harness's "run on everyone"."""
    on = on or timezone.localdate()
    names = attributes_of_kind(kind)
    subjects = []
    for row in licences.iter_profile_attributes(kind=kind):
        subjects.append(subject_attributes(row, on=on))
        if len(subjects) >= limit:
            break
    if not subjects:
        return {"total": 0, "eligible": 0, "unknown": 0}
    frame = Frame.from_subjects(subjects, names)
    t, f = compile_rule(rule)(frame)
    return {"total": frame.n, "eligible": int(t.sum()), "unknown": int((~t & ~f).sum())}


def application_prefill(policy: Policy, profile: dict, *, on: dt.date | None = None) -> list[tuple[str, str]]:
    """What the application form is prefilled with: the subject's name and every attribute the
    policy's rule looks at, as the profile has them."""
    values = subject_attributes(profile, on=on or timezone.localdate())
    rows = [("申请人" if profile["kind"] == SubjectKind.PERSON else "申请单位", profile["name"])]
    for name in sorted(rules.attributes_used(policy.rules or {"all": []})):
        rows.append((ATTRIBUTES[name].label, rules.value_text(name, values.get(name))))
    return rows


def case_of_application(user, application_id: int):
    """The case an application of the user's filed (依申请: the first one), or None."""
    return cases_selectors.cases_of_applicant(user).filter(application_id=application_id).order_by("pk").first()


def item_of(policy: Policy) -> dict | None:
    """The item that handles the policy as shown to people: its guide name and agency."""
    if not policy.implementation_id:
        return None
    from yiwang.catalog import selectors as catalog_selectors

    version_id = catalog_selectors.current_published_version_id(policy.implementation_id)
    if not version_id:
        return None
    version = catalog_selectors.version_by_id(version_id)
    return {"name": version.name, "agency": version.implementation.agency.name}
