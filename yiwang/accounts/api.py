"""Accounts API: self-registration for citizens and enterprises (an SMS code to confirm the phone
is sent at once), `GET /me`, and confirming the phone (`POST /me/phone/code`, `/me/phone/confirm`).

Validation errors come back as 400 `{"code": "validation_failed", "message", "detail": [{"field",
"code", "message"}]}` with the same Chinese messages as the pages.
"""

from __future__ import annotations

import contextlib
from datetime import datetime

from ninja import Field, Router, Schema, Status

from yiwang.accounts import services
from yiwang.accounts.auth import session_or_token
from yiwang.accounts.network import client_ip
from yiwang.accounts.selectors import profile_for
from yiwang.core.errors import DomainError

router = Router(tags=["accounts"])


class CitizenRegistrationIn(Schema):
    real_name: str = Field(..., max_length=100, description="姓名，与居民身份证一致")
    id_number: str = Field(..., max_length=40, description="18 位居民身份证号码（校验位按 GB 11643 检查）")
    phone: str = Field(..., max_length=40, description="11 位手机号码")
    password: str = Field(..., max_length=256, description="至少 8 个字符，不能全是数字或常见密码")


class EnterpriseRegistrationIn(Schema):
    org_name: str = Field(..., max_length=200, description="企业名称，与营业执照一致")
    uscc: str = Field(..., max_length=40, description="18 位统一社会信用代码（校验位按 GB 32100 检查）")
    legal_rep_name: str = Field(..., max_length=100, description="法定代表人姓名")
    legal_rep_id_number: str = Field(..., max_length=40, description="法定代表人居民身份证号码")
    phone: str = Field(..., max_length=40, description="联系手机号码")
    password: str = Field(..., max_length=256)


class RegisteredOut(Schema):
    id: int
    username: str = Field(..., description="系统生成的用户名；登录可用身份证号/统一社会信用代码或手机号")
    kind: str
    display_name: str
    phone_confirmed: bool = Field(..., description="注册后为 false：验证码已发往手机，本人用 /me/phone/confirm 确认")


class PhoneCodeIn(Schema):
    code: str = Field(..., max_length=20, description="发往登记手机的 6 位短信验证码")


class PhoneStateOut(Schema):
    phone_confirmed: bool
    phone_confirmed_at: datetime | None


class RoleOut(Schema):
    role: str
    role_label: str
    organisation_id: int
    organisation_name: str


class MeOut(Schema):
    id: int
    username: str
    kind: str = Field(..., description="citizen | enterprise | staff")
    kind_label: str
    display_name: str
    real_name: str
    id_number: str = Field(..., description="居民身份证号码。`/me` 的调用者就是本人，故为完整号码；"
                                            "他人视角（identifiers_masked=true）下为 6101**********123X 形式")
    phone: str = Field(..., description="手机号码，本人完整显示，他人视角为 139****5678")
    email: str
    org_name: str
    uscc: str
    legal_rep_name: str
    legal_rep_id_number: str
    identifiers_masked: bool = Field(..., description="为 false 表示号码完整显示（本人）")
    date_joined: datetime
    roles: list[RoleOut]


def _registered(user) -> dict:
    return {"id": user.pk, "username": user.username, "kind": user.kind, "display_name": user.display_name,
            "phone_confirmed": user.phone_confirmed_at is not None}


def _send_confirmation(request, user) -> None:
    # The account is made either way; a code refused by the rate limit can be asked for again.
    with contextlib.suppress(DomainError):
        services.phone_confirmation_send(user=user, ip=client_ip(request))


@router.post("/register/citizen", response={201: RegisteredOut}, summary="个人注册")
def register_citizen(request, payload: CitizenRegistrationIn):
    user = services.citizen_register(**payload.dict())
    _send_confirmation(request, user)
    return Status(201, _registered(user))


@router.post("/register/enterprise", response={201: RegisteredOut}, summary="企业（法人）注册")
def register_enterprise(request, payload: EnterpriseRegistrationIn):
    user = services.enterprise_register(**payload.dict())
    _send_confirmation(request, user)
    return Status(201, _registered(user))


@router.get("/me", response=MeOut, auth=session_or_token, summary="当前账户（本人，号码完整显示）")
def me(request):
    """The caller's own account. Identifiers are shown in full because the caller is their owner
    (a session or an API token acting as that account); profiles of other people are masked."""
    return profile_for(subject=request.auth, viewer=request.auth)


def _phone_state(user) -> dict:
    return {"phone_confirmed": user.phone_confirmed_at is not None, "phone_confirmed_at": user.phone_confirmed_at}


@router.post("/me/phone/code", response=PhoneStateOut, auth=session_or_token, summary="发送手机确认验证码")
def phone_code(request):
    """Send (again) the code that confirms the caller's phone. Rate-limited: 429-style
    `too_many_requests`; `phone_already_confirmed` when there is nothing to confirm."""
    services.phone_confirmation_send(user=request.auth, ip=client_ip(request))
    return _phone_state(request.auth)


@router.post("/me/phone/confirm", response=PhoneStateOut, auth=session_or_token, summary="确认手机号")
def phone_confirm(request, payload: PhoneCodeIn):
    """Confirm the caller's phone with the code sent to it (400 `validation_failed`, field `code`,
    code `code_invalid` when wrong, expired, used or out of tries)."""
    return _phone_state(services.phone_confirm(user=request.auth, code=payload.code))
