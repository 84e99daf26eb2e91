from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin, UserManager
from django.db import models
from django.utils import timezone

from yiwang.accounts.constants import ID_NUMBER_PURPOSE, PHONE_PURPOSE, CodePurpose, IdentifierKind, LoginOutcome, UserKind
from yiwang.core.crypto import blind_index, mask_id_number, mask_phone
from yiwang.core.fields import EncryptedTextField
from yiwang.core.identifiers import id_number_birth_date, id_number_errors

# Encrypted column -> (its blind-index column, the index purpose).
BLIND_INDEXED_FIELDS = {
    "id_number": ("id_number_index", ID_NUMBER_PURPOSE),
    "phone": ("phone_index", PHONE_PURPOSE),
    "legal_rep_id_number": ("legal_rep_id_number_index", ID_NUMBER_PURPOSE),
}


class YiwangUserManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        # `createsuperuser` makes an operator, not a citizen.
        extra_fields.setdefault("kind", UserKind.STAFF)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """Every person who logs in: citizens (real name + resident ID), enterprises (USCC + legal
    representative) and staff. ID and phone numbers are SM4-encrypted; `*_index` columns are their
    HMAC-SM3 blind indexes for exact lookup (yiwang/core/crypto.py, docs/accounts.md).

    Write identifiers through yiwang.accounts.services (they validate and normalise); `save()` only
    keeps the derived blind indexes in step with whatever plaintext the instance holds."""

    username = models.CharField("用户名", max_length=150, unique=True)
    kind = models.CharField("类型", max_length=20, choices=UserKind.choices, default=UserKind.CITIZEN)
    real_name = models.CharField("姓名", max_length=100, blank=True)
    id_number = EncryptedTextField("居民身份证号码", blank=True, default="")
    id_number_index = models.CharField(max_length=64, blank=True, default="", db_index=True, editable=False)
    phone = EncryptedTextField("手机号码", blank=True, default="")
    phone_index = models.CharField(max_length=64, blank=True, default="", db_index=True, editable=False)
    # Set when the owner typed the SMS code sent to `phone`; cleared when the phone changes. Only a
    # confirmed phone may receive a password-reset code (docs/accounts.md §2).
    phone_confirmed_at = models.DateTimeField("手机号确认时间", null=True, blank=True)
    email = models.EmailField("电子邮箱", blank=True)
    # Enterprise accounts: the enterprise itself and its legal representative.
    org_name = models.CharField("单位名称", max_length=200, blank=True)
    uscc = models.CharField("统一社会信用代码", max_length=18, blank=True, default="", db_index=True)
    legal_rep_name = models.CharField("法定代表人", max_length=100, blank=True)
    legal_rep_id_number = EncryptedTextField("法定代表人身份证号", blank=True, default="")
    # Not unique: one person may represent several enterprises (一企一档 finds them all).
    legal_rep_id_number_index = models.CharField(max_length=64, blank=True, default="", db_index=True, editable=False)
    is_staff = models.BooleanField("可登录管理后台", default=False)
    is_active = models.BooleanField("启用", default=True)
    date_joined = models.DateTimeField("注册时间", default=timezone.now)

    objects = YiwangUserManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = verbose_name_plural = "用户"
        constraints = [
            models.UniqueConstraint(fields=["id_number_index"], condition=~models.Q(id_number_index=""),
                                    name="user_unique_id_number"),
            models.UniqueConstraint(fields=["uscc"], condition=~models.Q(uscc=""), name="user_unique_uscc"),
            # The phone is a login identifier, so it must name one account.
            models.UniqueConstraint(fields=["phone_index"], condition=~models.Q(phone_index=""),
                                    name="user_unique_phone"),
        ]

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args, **kwargs):
        # The blind indexes are derived data (like Organisation.path): recomputed from the
        # plaintext on every save that writes it, so no code path can leave a stale index that
        # would make a person unfindable or findable under someone else's number.
        update_fields = kwargs.get("update_fields")
        extra = []
        for field, (index_field, purpose) in BLIND_INDEXED_FIELDS.items():
            if update_fields is not None and field not in update_fields:
                continue
            value = getattr(self, field) or ""
            setattr(self, index_field, blind_index(value, purpose=purpose) if value else "")
            extra.append(index_field)
        if update_fields is not None:
            kwargs["update_fields"] = list({*update_fields, *extra})
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        return self.org_name or self.real_name or self.username

    @property
    def birth_date(self) -> str:
        """The birth date in the resident ID number ("1958-03-15"), for pre-filling forms (data
        element profile source `user.birth_date`); "" without a valid ID number."""
        if not self.id_number or id_number_errors(self.id_number):
            return ""
        return id_number_birth_date(self.id_number).isoformat()

    @property
    def is_staff_member(self) -> bool:
        return self.kind == UserKind.STAFF

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def masked_legal_rep_id_number(self) -> str:
        return mask_id_number(self.legal_rep_id_number)


class LoginAttempt(models.Model):
    """One password login attempt, kept for the lockout counter and the owner's login history.

    Holds only the HMAC-SM3 blind index of what was typed (never the identifier itself) and the
    client IP. This is why django-axes is not used: it stores the typed username in plaintext,
    and here the "username" is usually a resident ID or phone number. Failures are counted per
    account when the identifier names one (so switching from ID number to phone does not reset
    the count), otherwise per blind index (so probing unknown numbers is throttled the same way).
    """

    identifier_index = models.CharField(max_length=64, db_index=True)
    identifier_kind = models.CharField("登录方式", max_length=20, blank=True, choices=IdentifierKind.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="login_attempts")
    ip = models.GenericIPAddressField("IP 地址", null=True, blank=True)
    outcome = models.CharField("结果", max_length=20, choices=LoginOutcome.choices)
    occurred_at = models.DateTimeField("时间", db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "登录记录"
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["user", "occurred_at"], name="login_attempt_user_idx"),
            models.Index(fields=["identifier_index", "occurred_at"], name="login_attempt_ident_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.get_outcome_display()}"


class ApiToken(models.Model):
    """A bearer token for a system (not a person at a browser) acting as `user`.

    Only the SM3 hash of the token is stored; the token itself is shown once when created
    (`manage.py create_api_token`). `prefix` (the first characters) lets people tell tokens apart.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens",
                             verbose_name="所属用户")
    name = models.CharField("名称", max_length=100, help_text="用途，例如“12345 热线对接”")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField("令牌前缀", max_length=12, editable=False)
    created_at = models.DateTimeField("创建时间", default=timezone.now, editable=False)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "接口令牌"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name}（{self.prefix}…）"

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


class PhoneCode(models.Model):
    """A 6-digit code sent by SMS to an account's phone (password reset, phone confirmation).

    Only a keyed HMAC-SM3 of the code is stored (blind index, purpose `sms_code`, salted with the
    row's random `salt`): a copy of the table without the key gives nothing to brute-force. Single
    use (`used_at`), expires at `expires_at`, dead after `max` wrong tries (`failed_tries`). Issuing
    a new code for the same account and purpose retires the previous one (`used_at` set)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="phone_codes")
    purpose = models.CharField("用途", max_length=20, choices=CodePurpose.choices)
    salt = models.CharField(max_length=32, editable=False)
    code_hash = models.CharField(max_length=64, editable=False)
    # The blind index of the phone the code went to: a code confirms that number, not a later one.
    phone_index = models.CharField(max_length=64, editable=False)
    # For a phone change only: the new number the code went to, which the account takes once the
    # code is typed back (SM4 at rest like the account's own phone).
    new_phone = EncryptedTextField("新手机号", blank=True, default="")
    created_at = models.DateTimeField("发送时间", db_index=True)
    expires_at = models.DateTimeField("失效时间")
    failed_tries = models.PositiveSmallIntegerField("输错次数", default=0)
    used_at = models.DateTimeField("使用时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "短信验证码"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "purpose", "created_at"], name="phone_code_user_idx")]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} {self.created_at:%Y-%m-%d %H:%M}"
