"""What the policies app does when something happens below it."""

from __future__ import annotations

from yiwang.policies import selectors
from yiwang.policies.access import entitlement_actions_for


def on_profile_changed(*, profile_id: int, kind: str, changed: list[str], **_) -> None:
    """licences.profile_changed: re-match that subject now, in the profile's transaction (one
    subject against the policies in force is a few milliseconds; docs/policies.md)."""
    from yiwang.policies.services import subject_rematch  # services sit beside actions; imported late

    subject_rematch(profile_id=profile_id)


def profile_section(*, profile, actor):
    """licences.profile_sections: the policies this subject qualifies for, on the profile page."""
    row = {"profile_id": profile.pk, "kind": profile.kind, "user_id": profile.user_id, "name": profile.name,
           **{n: getattr(profile, n) for n in ("birth_date", "residence_division", "disability_grade",
                                               "employment_status", "household_kind", "household_size",
                                               "industry_code", "enterprise_size", "district", "credit_grade",
                                               "founded_on", "employees")}}
    eligible = [r["policy"] for r in selectors.policies_for_subject(row) if r["eligible"]]
    return ("policies/panels/profile_policies.html", {"policies": eligible})


def case_panel(*, case, actor, audience: str, **_):
    """cases.case_page_panels: on a case filed for a policy, which policy it is; on the subject's
    own page of a 免申即享 case awaiting confirmation, the confirm / decline form."""
    if audience == "public":
        return None
    entitlement = selectors.entitlement_of_case(case.pk)
    if entitlement is None:
        return None
    may_decide = (audience == "applicant" and getattr(actor, "pk", None) == entitlement.user_id
                  and "confirm" in entitlement_actions_for(entitlement))
    return ("policies/panels/case_policy.html", {"entitlement": entitlement, "may_decide": may_decide})
