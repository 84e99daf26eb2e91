from django.conf import settings
from django.db import models

from yiwang.core.base_model import BaseModel
from yiwang.orgs.constants import DivisionLevel, ExerciseLevel, OrganisationKind, Role


class Division(BaseModel):
    """An administrative division: GB/T 2260 codes for city and districts; platform codes for
    development zones, streets and communities (`is_national_code` false)."""

    code = models.CharField("区划代码", max_length=20, unique=True)
    name = models.CharField("名称", max_length=100)
    level = models.CharField("层级", max_length=20, choices=DivisionLevel.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    is_national_code = models.BooleanField("国家标准代码", default=True,
                                           help_text="否：平台自编代码（开发区、街道、社区的演示代码）")
    is_demo = models.BooleanField("演示数据", default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = verbose_name_plural = "行政区划"

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class Organisation(BaseModel):
    """A node of the organisation tree. A role granted at a node covers its whole subtree, which
    is found through the materialised `path` ("/1/7/42/") with one indexed prefix query."""

    name = models.CharField("名称", max_length=200)
    short_name = models.CharField("简称", max_length=100, blank=True)
    kind = models.CharField("类型", max_length=30, choices=OrganisationKind.choices)
    uscc = models.CharField("统一社会信用代码", max_length=18, blank=True, db_index=True)
    level = models.CharField("行使层级", max_length=1, choices=ExerciseLevel.choices)
    division = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="organisations")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    phone = models.CharField("咨询电话", max_length=40, blank=True)
    address = models.CharField("地址", max_length=255, blank=True)
    is_demo = models.BooleanField("演示数据", default=False)

    class Meta:
        ordering = ["path"]
        verbose_name = verbose_name_plural = "组织机构"
        constraints = [models.UniqueConstraint(fields=["parent", "name"], name="org_unique_name_per_parent")]

    def __str__(self) -> str:
        return self.name

    def compute_path(self) -> str:
        return f"{self.parent.path if self.parent_id else '/'}{self.pk}/"

    def save(self, *args, **kwargs):
        # The path is derived data kept in step with `parent`: it needs the primary key, so a new
        # row is written first and its path second. Moving a node with children goes through
        # orgs.services.organisation_move, which rewrites the subtree's paths.
        super().save(*args, **kwargs)
        path = self.compute_path()
        if path != self.path:
            self.path = path
            type(self).objects.filter(pk=self.pk).update(path=path)


class RoleGrant(BaseModel):
    """A staff role within an organisation; its data scope is that organisation's subtree."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_grants")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="role_grants")
    role = models.CharField("角色", max_length=30, choices=Role.choices)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "角色授权"
        constraints = [models.UniqueConstraint(fields=["user", "organisation", "role"], name="role_grant_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} @ {self.organisation}"
