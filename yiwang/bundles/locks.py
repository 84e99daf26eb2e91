"""Row locks of the bundles app, in one place and one order: bundle before version."""

from yiwang.bundles.models import Bundle, BundleVersion


def lock_bundle(bundle_id: int) -> Bundle:
    return Bundle.objects.select_for_update().select_related("steward").get(pk=bundle_id)


def lock_version(version: BundleVersion) -> BundleVersion:
    lock_bundle(version.bundle_id)
    return BundleVersion.objects.select_for_update().select_related("bundle__steward").get(pk=version.pk)
