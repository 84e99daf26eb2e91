"""What the licences app does when something happens elsewhere (named hooks, yiwang/core/hooks.py),
one function per event. Registered in LicencesConfig.ready().

Hooks handled (called by lower apps):
- `case.decided(case, actor)`: an approved case whose result is a licence issues it, in the
  case's transaction (a failure to sign fails the decision rather than leaving a decision with no
  licence). A result withheld for deferred materials (容缺) waits for `case.concluded`.
- `case.concluded(case, actor)`: issues the licence if the decision did not (withheld result).
- `case.revoked(case, actor, reason)`: revokes the licences the case issued (§69).
- `cases.material_sources(applicant, requirement, on_date)`: the no-submission offer of a held
  licence for a material requirement (dict, see selectors.MaterialOffer.as_dict) or None.
- `cases.case_page_panels(case, actor, audience)`: the licence issued by the case, on its page.
- `catalog.guide_panels(version, viewer)`: which materials a held licence waives (for the guide).
- `bundles.held_materials(applicant, materials)`: for a bundle's merged materials, the offers of the
  applicant's licences ({entry key: offer dict}; satisfying → the bundle drops the entry as held,
  not satisfying → it stays to hand in and the message says why). The same matching as
  `cases.material_sources` (selectors.material_offer). Bundles is above licences: this app only
  answers the hook and never imports it.
- `bundles.waivable_materials(materials)`: {entry key: licence type name} for the merged
  materials a licence of the library can waive (the bundle guide says so, also to visitors).

Hook called (for higher apps): `licences.profile_sections(profile, actor)` → (template, context)
or None each, shown on the profile page (ratings, appointments …).
"""

from __future__ import annotations

from yiwang.core import hooks


def on_case_decided(*, case, actor) -> None:
    from yiwang.cases.selectors import pending_deferral
    from yiwang.licences.selectors import licence_type_for_version
    from yiwang.licences.services import licence_issue_for_case

    if case.status != "approved" or pending_deferral(case) is not None:
        return None
    licence_type = licence_type_for_version(case.version)
    if licence_type is None:
        return None
    licence = licence_issue_for_case(case=case, actor=actor, licence_type=licence_type)
    # The result reference the case keeps is the licence identifier, not the case number; the
    # conclusion that follows in the same transaction saves it (cases keeps a reference it finds).
    if not case.result_reference:
        case.result_reference = licence.identifier
    return None


def on_case_concluded(*, case, actor) -> None:
    from yiwang.licences.models import Licence
    from yiwang.licences.selectors import licence_type_for_version
    from yiwang.licences.services import licence_issue_for_case

    if getattr(case, "decision", "") != "approved" or Licence.objects.filter(source_case=case).exists():
        return None
    licence_type = licence_type_for_version(case.version)
    if licence_type is not None:
        licence_issue_for_case(case=case, actor=actor, licence_type=licence_type)
    return None


def on_case_revoked(*, case, actor, reason: str = "") -> None:
    from yiwang.licences.services import licences_revoke_for_case

    licences_revoke_for_case(case=case, actor=actor, reason=reason or case.closed_reason)
    return None


def material_sources(*, applicant, requirement, on_date=None) -> dict | None:
    from yiwang.licences.selectors import material_offer

    offer = material_offer(applicant=applicant, requirement=requirement, on_date=on_date)
    return offer.as_dict() if offer else None


def held_materials(*, applicant, materials, on_date=None) -> dict:
    from yiwang.licences.selectors import material_offers

    if not getattr(applicant, "is_authenticated", False):
        return {}
    return {key: offer.as_dict() for key, offer in
            material_offers(applicant=applicant, requirements=materials, on_date=on_date).items()}


def waivable_bundle_materials(*, materials) -> dict:
    from yiwang.licences.selectors import licence_type_names

    return licence_type_names(materials)


def case_page_panel(*, case, actor, audience: str):
    from yiwang.licences.models import Licence

    licence = Licence.objects.filter(source_case=case).select_related("licence_type").first()
    if licence is None:
        return None
    from yiwang.licences.selectors import effective_status

    return ("licences/panels/case_licence.html", {"panel": {
        "licence": licence, "status": effective_status(licence), "audience": audience,
        "holder_view": audience == "applicant"}})


def guide_panel(*, version, viewer=None):
    from yiwang.licences.selectors import material_offer, waivable_materials

    rows = waivable_materials(version)
    if not rows:
        return None
    entries = []
    for material, licence_type in rows:
        offer = material_offer(applicant=viewer, requirement=material) if getattr(viewer, "is_authenticated", False) else None
        entries.append({"material": material, "licence_type": licence_type, "offer": offer})
    return ("licences/panels/guide_waivers.html", {"panel": {"entries": entries,
                                                             "signed_in": getattr(viewer, "is_authenticated", False)}})


def profile_sections(*, profile, actor) -> list:
    """The sections higher apps add to a profile page (their handlers' non-empty answers)."""
    return [s for s in hooks.call("licences.profile_sections", profile=profile, actor=actor) if s]


def register() -> None:
    from yiwang.core.workbench import WorkbenchLink
    from yiwang.core.workbench import register as register_links
    from yiwang.orgs.constants import Role

    hooks.register("case.decided", on_case_decided)
    hooks.register("case.concluded", on_case_concluded)
    hooks.register("case.revoked", on_case_revoked)
    hooks.register("cases.material_sources", material_sources)
    hooks.register("cases.case_page_panels", case_page_panel)
    hooks.register("catalog.guide_panels", guide_panel)
    hooks.register("bundles.held_materials", held_materials)
    hooks.register("bundles.waivable_materials", waivable_bundle_materials)
    register_links(
        WorkbenchLink(frozenset({Role.LICENCE_OFFICER, Role.ADMINISTRATOR}), "licences:staff_licences", "电子证照管理",
                      "查询、撤销、注销、吊销与换发证照，批量导入存量证照。", order=40),
        WorkbenchLink(frozenset({Role.LICENCE_OFFICER, Role.ADMINISTRATOR}), "licences:staff_waivers", "免提交统计",
                      "各部门必要材料中可由电子证照免提交的比例。", order=41),
        WorkbenchLink(frozenset({Role.LICENCE_OFFICER, Role.ADMINISTRATOR, Role.WINDOW_CLERK, Role.DEPT_REVIEWER,
                                 Role.DEPT_APPROVER, Role.SERVICE_ASSISTANT, Role.POLICY_OFFICER, Role.SUPERVISOR}),
                      "licences:staff_profiles", "一人一档 / 一企一档", "按身份证号或统一社会信用代码查看档案（查看留痕）。", order=42),
    )
