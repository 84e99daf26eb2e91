"""The policy API, mounted at /api/v1/policies.

Public: the policies in force and one policy with its conditions in Chinese. Signed in (citizen
or enterprise): my matches with the reasons, one policy's explanation for me, confirm or decline a
免申即享 benefit. Policy officers: validate a rule (each problem naming its path) and run it on a
sample subject.
"""

from __future__ import annotations

from typing import Any

from ninja import Router, Schema

from yiwang.accounts.auth import session_or_token
from yiwang.core.errors import NotFound, PermissionDenied, ValidationFailed
from yiwang.core.inputs import DbId, Line
from yiwang.policies import rules, selectors, services
from yiwang.policies.access import access_entitlement, can_manage_policies, is_applicant
from yiwang.policies.constants import ATTRIBUTES, SubjectKind

router = Router(tags=["policies"])


class PolicyOut(Schema):
    code: str
    title: str
    kind: str
    kind_label: str
    subject_kind: str
    category: str
    benefit: str
    issuer: str
    valid_from: str | None
    valid_until: str | None
    conditions: list[str]


class MatchOut(Schema):
    policy: PolicyOut
    eligible: bool
    result: str  # 符合 / 不符合 / 信息不全
    reasons: list[str]
    entitlement: dict | None


class ExplanationOut(Schema):
    policy: str
    eligible: bool
    explanation: dict[str, Any]


class RuleIn(Schema):
    subject_kind: Line(20)
    rules: Any
    subject: dict[str, Any] | None = None


class RuleCheckOut(Schema):
    valid: bool
    problems: list[dict[str, str]]
    conditions: list[str]
    explanation: dict[str, Any] | None = None


class DecisionIn(Schema):
    decision: Line(20)  # confirm | decline
    payee_note: Line(200) = ""


def _out(policy) -> dict:
    return {"code": policy.code, "title": policy.title, "kind": policy.kind, "kind_label": policy.get_kind_display(),
            "subject_kind": policy.subject_kind, "category": policy.category, "benefit": policy.benefit,
            "issuer": policy.issuer_label, "valid_from": policy.valid_from.isoformat() if policy.valid_from else None,
            "valid_until": policy.valid_until.isoformat() if policy.valid_until else None,
            "conditions": ["　" * d + t for d, t in selectors.rule_lines(policy)]}


def _my_profile(request) -> dict:
    if not is_applicant(request.auth):
        raise PermissionDenied("仅群众和企业本人可查看。")
    profile = selectors.subject_of(request.auth)
    if profile is None:
        raise NotFound("您的档案尚未建立。")
    return profile


@router.get("/", response=list[PolicyOut], auth=None, summary="现行政策（无需登录）")
def policy_list(request, subject_kind: Line(20) = "", category: Line(40) = "", q: Line(100) = ""):
    return [_out(p) for p in selectors.public_policies(subject_kind=subject_kind, category=category, q=q[:50])[:500]]


@router.get("/mine", response=list[MatchOut], auth=session_or_token, summary="我的政策：逐项是否符合及原因")
def my_matches(request):
    profile = _my_profile(request)
    out = []
    for row in selectors.policies_for_subject(profile):
        e = row["entitlement"]
        out.append({"policy": _out(row["policy"]), "eligible": row["eligible"], "result": row["explanation"].verdict,
                    "reasons": [f"{r.text}（{r.actual or r.verdict}）" for r in row["reasons"]],
                    "entitlement": {"id": e.pk, "status": e.status, "status_label": e.get_status_display(),
                                    "amount": str(e.amount) if e.amount is not None else None,
                                    "case": _case_out(getattr(e, "case_row", None))} if e else None})
    return out


def _case_out(case) -> dict | None:
    """The case an entitlement was filed as (免申即享) or filed from (依申请), for the applicant."""
    if case is None:
        return None
    return {"id": case.pk, "number": case.number, "status": case.status, "status_label": case.get_status_display(),
            "agency": case.agency.name}


@router.get("/{code}", response=PolicyOut, auth=None, summary="一项政策及其享受条件")
def policy_detail(request, code: Line(60)):
    policy = selectors.public_policy(code)
    if policy is None:
        raise NotFound("未找到该政策。")
    return _out(policy)


@router.get("/{code}/explanation", response=ExplanationOut, auth=session_or_token, summary="我是否符合该政策，逐条说明")
def explanation(request, code: Line(60)):
    policy = selectors.public_policy(code)
    if policy is None:
        raise NotFound("未找到该政策。")
    profile = _my_profile(request)
    if profile["kind"] != policy.subject_kind:
        raise NotFound(f"该政策适用于{policy.get_subject_kind_display()}。")
    result = selectors.explanation_for(policy, profile)
    return {"policy": policy.code, "eligible": result.result is True, "explanation": result.as_dict()}


@router.post("/entitlements/{int:entitlement_id}/decision", response=dict, auth=session_or_token,
             summary="确认领取或放弃免申即享待遇")
def entitlement_decision(request, entitlement_id: DbId, body: DecisionIn):
    entitlement = access_entitlement(actor=request.auth, entitlement_id=entitlement_id)
    if body.decision not in ("confirm", "decline"):
        raise ValidationFailed([], message="decision：应为 confirm 或 decline。")
    entitlement = services.entitlement_decide(actor=request.auth, entitlement=entitlement,
                                              accept=body.decision == "confirm", payee_note=body.payee_note)
    return {"id": entitlement.pk, "status": entitlement.status, "status_label": entitlement.get_status_display()}


@router.post("/rules/check", response=RuleCheckOut, auth=session_or_token, summary="校验资格规则并用样例对象试算（政策管理人员）")
def rule_check(request, body: RuleIn):
    if not can_manage_policies(request.auth):
        raise PermissionDenied("仅政策管理人员可校验规则。")
    kind = body.subject_kind if body.subject_kind in SubjectKind.values else None
    problems = rules.validate(body.rules, subject_kind=kind)
    out = {"valid": not problems, "problems": [{"path": p.path, "message": p.message} for p in problems],
           "conditions": [], "explanation": None}
    if not problems:
        out["conditions"] = ["　" * d + t for d, t in rules.rule_lines(body.rules)]
        if body.subject is not None:
            subject = {k: v for k, v in body.subject.items() if k in ATTRIBUTES}
            out["explanation"] = rules.explain(body.rules, subject).as_dict()
    return out
