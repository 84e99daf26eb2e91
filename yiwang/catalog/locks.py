"""Row locks for catalog writes, in one place and one order.

Every write that changes a version's status or content first locks its implementation row, so
the lifecycle of one implementation is serialised (two publishes cannot both supersede the same
version; two "start draft" clicks cannot both create one). Order: implementation, then nothing
else — versions are never locked on their own.
"""

from __future__ import annotations

from yiwang.catalog.models import ImplementationVersion, ItemImplementation


def lock_implementation(implementation_id: int) -> ItemImplementation:
    return (ItemImplementation.objects.select_for_update(of=("self",))
            .select_related("agency", "base_item").get(pk=implementation_id))


def lock_version(version: ImplementationVersion) -> ImplementationVersion:
    """Lock the version's implementation and return the version as stored now (the caller's copy
    may be stale: another reviewer may have acted meanwhile)."""
    implementation = lock_implementation(version.implementation_id)
    fresh = ImplementationVersion.objects.get(pk=version.pk)
    fresh.implementation = implementation
    return fresh
