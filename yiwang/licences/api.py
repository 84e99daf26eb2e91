"""Licences API under /api/v1/licences: public verification and keys (no login), the holder's
wallet and 亮证码, staff status changes, import, figures, and profiles."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.http import HttpResponse
from ninja import File, Path, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from yiwang.accounts.auth import session_or_token
from yiwang.accounts.network import client_ip
from yiwang.core.errors import MAX_DB_ID, FieldError, NotFound, PermissionDenied, ValidationFailed
from yiwang.licences import offline_verifier
from yiwang.licences.access import (
    access_licence_for_holder,
    access_licence_for_staff,
    access_profile_by_subject,
    access_profile_for_staff,
    is_licence_staff,
    licence_actions_for,
)
from yiwang.licences.constants import VerificationChannel
from yiwang.licences.selectors import (
    effective_status,
    profile_attribute_rows,
    published_keys,
    verifications_of,
    verifier_description,
    waiver_figures,
    wallet_licences,
)
from yiwang.licences.services import (
    licence_change_status,
    licence_show_code,
    licence_verify,
    licences_import,
    profile_for_user,
    profile_record_access,
    profile_update,
)

router = Router(tags=["licences"])

DbId = Annotated[int, Field(ge=1, le=MAX_DB_ID)]
Short = Annotated[str, Field(max_length=200)]


def _no_control(field: str, value: str) -> None:
    if value and not value.isprintable():
        raise ValidationFailed([FieldError(field, "control_characters", "不能含控制字符（例如 NUL），请删除后重试。")])


# --- Schemas ------------------------------------------------------------------------------------


class VerifyOut(Schema):
    outcome: str = Field(description="valid | expired | revoked | cancelled | withdrawn | superseded | altered | "
                                     "not_found | malformed | qr_forged | token_expired")
    outcome_label: str
    message: str = Field(description="给查验人的中文结论")
    identifier: str
    genuine: bool | None = Field(description="发证机关签名是否验证通过；无可验之物时为 null")
    current: bool = Field(description="当前是否有效（状态有效且在有效期内）")
    checked_at: dt.datetime
    licence_name: str = ""
    holder: str = Field("", description="持证主体（个人姓名掩码）")
    holder_id: str = Field("", description="持证主体代码（掩码）")
    issuer_name: str = ""
    issuer_code: str = ""
    issued_on: dt.date | None = None
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    status: str = ""
    status_label: str = ""
    version: int | None = None
    key_id: str = ""
    successor: str = Field("", description="已换发时的新版本标识")


class KeyOut(Schema):
    key_id: str
    issuer_name: str
    issuer_code: str
    public_key: str = Field(description="SM2 公钥，非压缩格式 04||x||y 的十六进制")
    status: str
    created_at: str
    retired_at: str | None


class TypeOut(Schema):
    type_code: str
    name: str
    defining_authority: str
    code_is_platform: bool


class KeysOut(Schema):
    format: str
    algorithm: str
    keys: list[KeyOut]
    licence_types: list[TypeOut]
    active: int


class LicenceOut(Schema):
    id: int
    identifier: str
    name: str
    number: str = Field(description="证照编号（持证人本人完整显示，其他人掩码）")
    holder: str
    holder_id: str
    issuer_name: str
    issued_on: dt.date
    valid_from: dt.date
    valid_until: dt.date | None
    status: str
    status_label: str
    version: int
    attributes: dict
    actions: dict


class VerificationOut(Schema):
    at: dt.datetime
    channel: str
    outcome: str
    who: str


class ShowCodeOut(Schema):
    qr_text: str = Field(description="二维码内容（核验网址 + 已签名字段），见 docs/licences.md")
    expires_at: dt.datetime


class StatusIn(Schema):
    action: Annotated[str, Field(max_length=20)] = Field(description="revoke | cancel | withdraw")
    reason: Annotated[str, Field(max_length=500)]


class ImportOut(Schema):
    imported: int
    identifiers: list[str]


class WaiverOut(Schema):
    agency_id: int
    agency_name: str
    required: int
    from_licences: int
    items: int
    share: float


class WaiversOut(Schema):
    agencies: list[WaiverOut]
    total: WaiverOut


class ProfileOut(Schema):
    id: int
    kind: str
    name: str
    subject_id: str = Field(description="本人完整显示，工作人员看到掩码")
    attributes: list[dict]


class LookupIn(Schema):
    subject_id: Annotated[str, Field(min_length=18, max_length=18)]


class ProfileChangesIn(Schema):
    changes: dict[Annotated[str, Field(max_length=40)], Annotated[str, Field(max_length=20)] | None]


# --- Public ---------------------------------------------------------------------------------------


def _optional_caller(request):
    """The caller if it identified itself (a bank's system with its token, or a session); else None.
    An anonymous check (no session cookie, no token) touches neither sessions nor tokens."""
    from django.conf import settings

    if request.COOKIES.get(settings.SESSION_COOKIE_NAME) and request.user.is_authenticated:
        return request.user
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if header.lower().startswith("bearer "):
        from yiwang.accounts.services import api_token_use

        return api_token_use(token=header[7:].strip()[:200])
    return None


class QrQuery(Schema):
    v: Annotated[str, Field(max_length=2)] = ""
    k: Annotated[str, Field(max_length=16)] = ""
    h: Annotated[str, Field(max_length=200)] = ""
    i: Annotated[str, Field(max_length=30)] = ""
    f: Annotated[str, Field(max_length=10)] = ""
    u: Annotated[str, Field(max_length=10)] = ""
    e: Annotated[str, Field(max_length=12)] = ""
    s: Annotated[str, Field(max_length=100)] = ""
    verifier: Annotated[str, Field(max_length=100, description="查验单位名称（自报，持证人可见）")] = ""


@router.get("/verify/{identifier}", response=VerifyOut, auth=None, summary="核验电子证照（无需登录）",
            description="按电子证照标识核验真伪与当前状态；扫码核验时附上二维码中的参数 v,k,h,i,f,u,e,s。"
                        "每次核验都会记录（时间、渠道、查验单位、来源地址），持证人可查看。结论都以 200 返回，"
                        "outcome 说明结果；400 仅用于参数过长或含控制字符。")
def verify(request, identifier: Annotated[str, Path(max_length=100)], query: Query[QrQuery]):
    _no_control("identifier", identifier)
    for name in ("h", "i", "verifier", "s", "k"):
        _no_control(name, getattr(query, name))
    qr = None
    if query.v:
        signature = offline_verifier.decode_signature(query.s) if query.v == offline_verifier.QR_FORMAT_VERSION else None
        qr = {"key_id": query.k, "holder": query.h, "holder_id": query.i, "valid_from": query.f, "valid_until": query.u,
              "show_expires": query.e, "signature": signature or b""}
    result = licence_verify(identifier=identifier, channel=VerificationChannel.API, qr=qr,
                            verifier=_optional_caller(request), verifier_label=query.verifier, client_ip=client_ip(request))
    # Serialised directly (the shape is VerifyOut, documented above): this is the busiest public
    # endpoint, and validating our own output again on every call costs more than the check itself.
    return HttpResponse(result.as_json(), content_type="application/json")


@router.get("/keys", response=KeysOut, auth=None, summary="发证机关 SM2 公钥清单（离线核验用，无需登录）")
def keys(request):
    return published_keys()


# --- Holder ---------------------------------------------------------------------------------------


def _licence_out(licence, actor, *, owner: bool) -> dict:
    status = effective_status(licence)
    from yiwang.core.crypto import mask_id_number

    return {
        "id": licence.pk, "identifier": licence.identifier, "name": licence.name,
        "number": licence.number if owner else mask_id_number(licence.number), "holder": licence.holder_name if owner
        else licence.masked_holder_name, "holder_id": licence.holder_id if owner else licence.masked_holder_id,
        "issuer_name": licence.issuer_name, "issued_on": licence.issued_on, "valid_from": licence.valid_from,
        "valid_until": licence.valid_until, "status": status, "status_label": licence.get_status_display()
        if status == licence.status else "已失效（有效期届满）", "version": licence.version,
        "attributes": licence.attributes if owner else {}, "actions": licence_actions_for(actor=actor, licence=licence),
    }


def _licence_for(actor, licence_id):
    """(licence, is the owner): the holder's own, else one in a licence officer's scope."""
    try:
        return access_licence_for_holder(actor=actor, licence_id=licence_id), True
    except NotFound:
        return access_licence_for_staff(actor=actor, licence_id=licence_id), False


@router.get("/mine", response=list[LicenceOut], auth=session_or_token, summary="我的证照")
def mine(request):
    return [_licence_out(licence, request.auth, owner=True) for licence in wallet_licences(request.auth)]


@router.get("/{int:licence_id}", response={200: LicenceOut, 404: dict}, auth=session_or_token, summary="一张证照（持证人或管理范围内的工作人员）")
def licence_detail(request, licence_id: DbId):
    licence, owner = _licence_for(request.auth, licence_id)
    return _licence_out(licence, request.auth, owner=owner)


@router.get("/{int:licence_id}/verifications", response={200: list[VerificationOut], 404: dict}, auth=session_or_token,
            summary="谁核验过这张证照")
def licence_verifications(request, licence_id: DbId):
    licence, _ = _licence_for(request.auth, licence_id)
    return [{"at": v.occurred_at, "channel": v.channel, "outcome": v.outcome, "who": verifier_description(v)}
            for v in verifications_of(licence)]


@router.post("/{int:licence_id}/show-code", response={200: ShowCodeOut, 404: dict, 409: dict}, auth=session_or_token,
             summary="生成亮证码（几分钟内有效，截图不能长期使用）")
def show_code(request, licence_id: DbId):
    licence = access_licence_for_holder(actor=request.auth, licence_id=licence_id)
    if effective_status(licence) != "valid":
        from yiwang.core.errors import Conflict

        raise Conflict("该证照当前不是有效状态，不能亮证。", code="licence_not_current")
    text, expires = licence_show_code(licence=licence)
    return {"qr_text": text, "expires_at": expires}


# --- Staff ----------------------------------------------------------------------------------------


@router.post("/{int:licence_id}/status", response={200: LicenceOut, 400: dict, 404: dict, 409: dict}, auth=session_or_token,
             summary="撤销、注销或吊销证照（电子证照管理人员）")
def change_status(request, licence_id: DbId, payload: StatusIn):
    _no_control("reason", payload.reason.replace("\n", ""))
    licence = access_licence_for_staff(actor=request.auth, licence_id=licence_id)
    licence = licence_change_status(actor=request.auth, licence=licence, action=payload.action, reason=payload.reason)
    return _licence_out(licence, request.auth, owner=False)


@router.post("/import", response={201: ImportOut, 400: dict, 403: dict}, auth=session_or_token,
             summary="批量导入存量证照（.xlsx / .csv；全部正确才导入，错误逐行逐列列出）")
def import_licences(request, file: File[UploadedFile]):
    if not is_licence_staff(request.auth):
        raise PermissionDenied("仅电子证照管理人员可以导入证照。")
    issued = licences_import(actor=request.auth, stream=file, filename=(file.name or "")[:200])
    return Status(201, {"imported": len(issued), "identifiers": [lic.identifier for lic in issued]})


@router.get("/waivers", response={200: WaiversOut, 403: dict}, auth=session_or_token,
            summary="免提交统计：各部门必要材料中可由电子证照满足的比例")
def waivers(request):
    if not is_licence_staff(request.auth):
        raise PermissionDenied("仅电子证照管理人员和系统管理员可以查看。")
    figures, total = waiver_figures()

    def out(f):
        return {"agency_id": f.agency_id, "agency_name": f.agency_name, "required": f.required,
                "from_licences": f.from_licences, "items": f.items, "share": round(f.share, 4)}

    return {"agencies": [out(f) for f in figures], "total": out(total)}


# --- Profiles -------------------------------------------------------------------------------------


def _profile_out(profile, *, owner: bool) -> dict:
    rows = [{k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in row.items()} for row in profile_attribute_rows(profile)]
    return {"id": profile.pk, "kind": profile.kind, "name": profile.name,
            "subject_id": profile.subject_id if owner else profile.masked_subject_id, "attributes": rows}


@router.get("/profiles/me", response={200: ProfileOut, 404: dict}, auth=session_or_token, summary="我的档案（一人一档 / 一企一档）")
def my_profile(request):
    profile = profile_for_user(request.auth)
    if profile is None:
        raise NotFound("您的账号没有实名身份证号或统一社会信用代码，暂无档案。", code="profile_not_found")
    return _profile_out(profile, owner=True)


@router.post("/profiles/lookup", response={200: ProfileOut, 400: dict, 404: dict}, auth=session_or_token,
             summary="按身份证号或统一社会信用代码查看档案（工作人员；查看留痕，本人可见）")
def lookup_profile(request, payload: LookupIn):
    _no_control("subject_id", payload.subject_id)
    profile = access_profile_by_subject(actor=request.auth, subject_id=payload.subject_id)
    profile_record_access(actor=request.auth, profile=profile, purpose="api")
    return _profile_out(profile, owner=False)


@router.patch("/profiles/{int:profile_id}", response={200: ProfileOut, 400: dict, 404: dict}, auth=session_or_token,
              summary="修改档案信息项（电子证照管理人员，数据范围内）")
def update_profile(request, profile_id: DbId, payload: ProfileChangesIn):
    for key, value in payload.changes.items():
        _no_control(key, value or "")
    profile = access_profile_for_staff(actor=request.auth, profile_id=profile_id)
    profile = profile_update(actor=request.auth, profile=profile, changes=payload.changes)
    profile_record_access(actor=request.auth, profile=profile, purpose="edit")
    return _profile_out(profile, owner=False)
