"""A published (or superseded) version and its children cannot be changed by any code path; only
published -> superseded is allowed."""

import pytest
from django.db import transaction
from django.utils import timezone

from yiwang.catalog.constants import ErrorCode, VersionStatus
from yiwang.catalog.models import FAQ, ImplementationVersion, Material, published_content_writes
from yiwang.catalog.tests.factories import PublishedVersionFactory, VersionFactory
from yiwang.core.errors import DomainError
from yiwang.orgs.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def immutable(call):
    # Each attempt in its own savepoint: a refused many-to-many add breaks the enclosing transaction.
    with pytest.raises(DomainError) as caught, transaction.atomic():
        call()
    assert caught.value.code == ErrorCode.VERSION_IMMUTABLE
    assert "新建草稿版本" in caught.value.message


@pytest.fixture
def published():
    return PublishedVersionFactory()


def test_saving_content_of_a_published_version_is_refused(published):
    published.name = "改名"
    immutable(published.save)
    immutable(lambda: published.save(update_fields=["name"]))
    immutable(lambda: published.save(update_fields=["status"]))  # published -> published
    assert ImplementationVersion.objects.get(pk=published.pk).name != "改名"


def test_queryset_writes_are_refused_too(published):
    immutable(lambda: ImplementationVersion.objects.filter(pk=published.pk).update(name="改名"))
    immutable(lambda: ImplementationVersion.objects.filter(pk=published.pk).delete())
    immutable(published.delete)


def test_children_of_a_published_version_are_frozen(published):
    material = published.materials.get()
    material.name = "改名"
    immutable(material.save)
    immutable(material.delete)
    immutable(lambda: Material.objects.create(version=published, name="新增"))
    immutable(lambda: Material.objects.bulk_create([Material(version=published, name="新增")]))
    immutable(lambda: Material.objects.filter(version=published).update(name="改名"))
    immutable(lambda: FAQ.objects.filter(version=published).delete())
    immutable(lambda: published.co_agencies.add(OrganisationFactory()))
    immutable(lambda: OrganisationFactory().co_handled_versions.add(published))
    assert Material.objects.get(pk=material.pk).name != "改名"
    assert published.materials.count() == 1 and published.co_agencies.count() == 0


def test_published_to_superseded_is_the_one_change_allowed(published):
    published.status = VersionStatus.SUPERSEDED
    published.superseded_at = timezone.now()
    published.save(update_fields=["status", "superseded_at", "updated_at"])
    published.refresh_from_db()
    assert published.status == VersionStatus.SUPERSEDED
    published.status = VersionStatus.PUBLISHED  # and never back
    immutable(lambda: published.save(update_fields=["status"]))
    published.name = "改名"
    immutable(published.save)
    immutable(lambda: ImplementationVersion.objects.filter(pk=published.pk).update(status="published"))


def test_queryset_supersede_is_allowed(published):
    ImplementationVersion.objects.filter(pk=published.pk).update(status=VersionStatus.SUPERSEDED,
                                                                superseded_at=timezone.now())
    assert ImplementationVersion.objects.get(pk=published.pk).status == VersionStatus.SUPERSEDED


def test_drafts_change_freely():
    draft = VersionFactory()
    draft.name = "改名"
    draft.save()
    material = draft.materials.get()
    material.name = "改名"
    material.save()
    Material.objects.filter(version=draft).update(order=3)
    material.delete()
    assert ImplementationVersion.objects.get(pk=draft.pk).name == "改名"


def test_fixtures_may_arrange_published_content(published):
    with published_content_writes():
        Material.objects.create(version=published, name="夹具材料")
    assert published.materials.count() == 2
    immutable(lambda: Material.objects.create(version=published, name="之后不行"))
