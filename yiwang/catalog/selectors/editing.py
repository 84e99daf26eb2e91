"""Reads behind the editor and review pages and the editor API: what a version is compared with,
base items by id or code."""

from __future__ import annotations

from yiwang.catalog import access
from yiwang.catalog.constants import VersionStatus
from yiwang.catalog.models import BaseItem, ImplementationVersion
from yiwang.catalog.selectors import published_versions


def comparison_version_id(version: ImplementationVersion) -> int | None:
    """The version to compare `version` with: the published one, or (for the published one itself
    and for first drafts) the previous number; None for a first version."""
    versions = ImplementationVersion.objects.filter(implementation_id=version.implementation_id)
    other = versions.filter(status=VersionStatus.PUBLISHED).exclude(pk=version.pk).values_list("pk", flat=True).first()
    if other is None:
        other = versions.filter(number__lt=version.number).order_by("-number").values_list("pk", flat=True).first()
    return other


def base_item_by_id(base_item_id) -> BaseItem | None:
    return BaseItem.objects.filter(pk=base_item_id).first()


def base_item_by_code(basic_code: str) -> BaseItem | None:
    return BaseItem.objects.filter(basic_code=basic_code).first() if basic_code else None


def versions_to_export(*, actor, everything: bool):
    """The published guides for the Excel export: those in the actor's scope, or all of them."""
    versions = published_versions().prefetch_related("materials", "fee_items")
    if not everything:
        versions = versions.filter(pk__in=access.versions_in_scope(actor).values("pk"))
    return versions.order_by("implementation__implementation_code")
