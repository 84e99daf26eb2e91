from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin, UserManager
from django.db import models
from django.utils import timezone

from yiwang.accounts.constants import UserKind
from yiwang.core.crypto import mask_id_number, mask_phone
from yiwang.core.fields import EncryptedTextField


class User(AbstractBaseUser, PermissionsMixin):
    """Every person who logs in: citizens (real name + resident ID), enterprises (USCC + legal
    representative) and staff. ID and phone numbers are SM4-encrypted; `*_index` columns are their
    HMAC-SM3 blind indexes for exact lookup (yiwang/core/crypto.py)."""

    username = models.CharField("用户名", max_length=150, unique=True)
    kind = models.CharField("类型", max_length=20, choices=UserKind.choices, default=UserKind.CITIZEN)
    real_name = models.CharField("姓名", max_length=100, blank=True)
    id_number = EncryptedTextField("居民身份证号码", blank=True, default="")
    id_number_index = models.CharField(max_length=64, blank=True, default="", db_index=True, editable=False)
    phone = EncryptedTextField("手机号码", blank=True, default="")
    phone_index = models.CharField(max_length=64, blank=True, default="", db_index=True, editable=False)
    email = models.EmailField("电子邮箱", blank=True)
    # Enterprise accounts: the enterprise itself and its legal representative.
    org_name = models.CharField("单位名称", max_length=200, blank=True)
    uscc = models.CharField("统一社会信用代码", max_length=18, blank=True, default="", db_index=True)
    legal_rep_name = models.CharField("法定代表人", max_length=100, blank=True)
    legal_rep_id_number = EncryptedTextField("法定代表人身份证号", blank=True, default="")
    is_staff = models.BooleanField("可登录管理后台", default=False)
    is_active = models.BooleanField("启用", default=True)
    date_joined = models.DateTimeField("注册时间", default=timezone.now)
    failed_login_count = models.PositiveSmallIntegerField(default=0, editable=False)
    locked_until = models.DateTimeField(null=True, blank=True, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = verbose_name_plural = "用户"
        constraints = [
            models.UniqueConstraint(fields=["id_number_index"], condition=~models.Q(id_number_index=""),
                                    name="user_unique_id_number"),
            models.UniqueConstraint(fields=["uscc"], condition=~models.Q(uscc=""), name="user_unique_uscc"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.org_name or self.real_name or self.username

    @property
    def is_staff_member(self) -> bool:
        return self.kind == UserKind.STAFF

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)
