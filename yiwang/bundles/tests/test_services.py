"""Defining, reviewing and publishing bundles (services.py), with the access rules."""

import pytest

from yiwang.bundles import selectors, services
from yiwang.bundles.constants import VersionStatus
from yiwang.bundles.models import Bundle, BundleMember, BundleVersion
from yiwang.bundles.tests.factories import members_input, published_bundle, questions_input, shop
from yiwang.catalog.tests.factories import catalog_editor, catalog_reviewer
from yiwang.core.errors import Conflict, DomainError, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from yiwang.core.models import AuditEvent
from yiwang.orgs.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def s():
    return shop()


def _draft(s):
    version = services.bundle_create(actor=s.editor, steward=s.bureau, name="开办餐饮店")
    return services.bundle_version_update(actor=s.editor, version=version, members=members_input(s), questions=questions_input(s), data={
        "stage": s.stage.pk, "lead_agency": s.market.pk, "life_event": s.event.pk, "summary": "一次办好开店手续。",
        "separate_elements": ["matter.description"]})


def test_define_submit_review_publish(s):
    version = _draft(s)
    assert version.bundle.code == f"XA-B{version.bundle.pk:05d}"
    assert selectors.version_problems(selectors.version_detail(version.pk)) == []
    services.bundle_version_submit(actor=s.editor, version=version)
    with pytest.raises(PermissionDenied) as own:
        services.bundle_version_review(actor=s.editor, version=version, decision="approve", comment="")
    assert own.value.code in ("permission_denied", "self_review")
    with pytest.raises(ValidationFailed):  # returning says what to change
        services.bundle_version_review(actor=s.reviewer, version=version, decision="return", comment=" ")
    services.bundle_version_review(actor=s.reviewer, version=version, decision="return", comment="请补充情形问题的说明。")
    version.refresh_from_db()
    assert version.status == VersionStatus.RETURNED
    services.bundle_version_submit(actor=s.editor, version=version)
    services.bundle_version_review(actor=s.reviewer, version=version, decision="approve", comment="")
    services.bundle_version_publish(actor=s.reviewer, version=version)
    version.refresh_from_db()
    assert version.status == VersionStatus.PUBLISHED and version.bundle.current_version_id == version.pk
    assert selectors.published_bundle(version.bundle_id).pk == version.pk
    actions = list(AuditEvent.objects.filter(object_type="bundles.bundleversion", object_id=str(version.pk)).values_list("action", flat=True))
    assert actions == ["bundles.version_updated", "bundles.version_submitted", "bundles.version_returned", "bundles.version_submitted",
                       "bundles.version_approved", "bundles.version_published"]


def test_submission_lists_every_problem_with_its_fix(s):
    version = services.bundle_create(actor=s.editor, steward=s.bureau, name="空的一件事")
    with pytest.raises(ValidationFailed) as failed:
        services.bundle_version_submit(actor=s.editor, version=version)
    codes = {e.code for e in failed.value.errors}
    assert {"bundle_stage_missing", "bundle_lead_agency_missing", "bundle_too_few_members"} <= codes
    assert "请选择牵头部门" in failed.value.message
    version.refresh_from_db()
    assert version.status == VersionStatus.DRAFT


def test_a_dependency_cycle_is_refused_and_nothing_is_written(s):
    version = _draft(s)
    cyclic = members_input(s)
    cyclic[0]["depends_on"] = [s.food.implementation_id]
    with pytest.raises(ValidationFailed) as failed:
        services.bundle_version_update(actor=s.editor, version=version, members=cyclic, data={"name": "改名"})
    (error,) = failed.value.errors
    assert error.code == "bundle_dependency_cycle"
    assert "「企业营业执照信息核验」 → 「食品经营许可」 → 「企业营业执照信息核验」" in error.message
    version.refresh_from_db()
    assert version.name == "开办餐饮店"
    assert list(BundleMember.objects.filter(version=version, implementation=s.check.implementation).values_list("depends_on", flat=True)) == [[]]


def test_bad_input_is_refused_naming_each_field(s):
    version = _draft(s)
    with pytest.raises(ValidationFailed) as failed:
        services.bundle_version_update(actor=s.editor, version=version, data={"name": "名\x00称", "colour": "red", "stage": "x"},
                                       members=[{"implementation": 999_999}, {"implementation": s.food.implementation_id, "is_lead": "yes"}],
                                       questions=[{"key": "Bad Key", "text": "问" * 201, "options": [{"value": "yes", "label": ""}]}])
    fields = {e.field for e in failed.value.errors}
    assert {"name", "colour", "stage", "members[0].implementation", "members[1].is_lead", "questions[0].key", "questions[0].text",
            "questions[0].options[0].label"} <= fields


def test_published_versions_are_immutable_and_a_new_draft_supersedes_them(s):
    published = published_bundle(s)
    published.name = "改名"
    with pytest.raises(DomainError) as frozen:
        published.save()
    assert frozen.value.code == "bundle_version_immutable"
    with pytest.raises(DomainError):
        published.members.first().delete()
    draft = services.bundle_version_start_draft(actor=s.editor, bundle=published.bundle)
    assert draft.number == 2 and draft.members.count() == 3 and draft.questions.count() == 2
    assert sorted(draft.members.values_list("depends_on", flat=True), key=len) == sorted(
        published.members.values_list("depends_on", flat=True), key=len)
    with pytest.raises(Conflict):
        services.bundle_version_start_draft(actor=s.editor, bundle=published.bundle)
    services.bundle_version_update(actor=s.editor, version=draft, data={"name": "开办餐饮店（新版）"})
    services.bundle_version_submit(actor=s.editor, version=draft)
    services.bundle_version_review(actor=s.reviewer, version=draft, decision="approve", comment="")
    services.bundle_version_publish(actor=s.editor, version=draft)
    published.refresh_from_db()
    assert published.status == VersionStatus.SUPERSEDED and published.superseded_at
    assert published.name == "开办餐饮店"  # kept as it was
    assert selectors.published_bundle(published.bundle_id).name == "开办餐饮店（新版）"
    with pytest.raises(InvalidTransition):
        services.bundle_version_publish(actor=s.editor, version=draft)


def test_roles_are_checked_over_the_steward(s):
    outsider_org = OrganisationFactory(name="另一单位")
    outsider = catalog_editor(outsider_org, username="outsider")
    with pytest.raises(PermissionDenied):
        services.bundle_create(actor=outsider, steward=s.bureau, name="x")
    version = _draft(s)
    with pytest.raises(PermissionDenied):
        services.bundle_version_update(actor=outsider, version=version, data={"name": "x"})
    services.bundle_version_submit(actor=s.editor, version=version)
    other_reviewer = catalog_reviewer(outsider_org, username="other_reviewer")
    with pytest.raises(PermissionDenied):
        services.bundle_version_review(actor=other_reviewer, version=version, decision="approve", comment="")
    from yiwang.bundles import access

    with pytest.raises(NotFound):
        access.access_version_for_staff(actor=outsider, version_id=version.pk)
    assert access.access_version_for_staff(actor=s.reviewer, version_id=version.pk) == version
    version.refresh_from_db()
    actions = access.version_actions_for(actor=s.reviewer, version=version)
    assert actions.review and not actions.edit
    assert not access.version_actions_for(actor=s.editor, version=version).review


def test_submitted_versions_cannot_be_edited(s):
    version = _draft(s)
    services.bundle_version_submit(actor=s.editor, version=version)
    with pytest.raises(DomainError) as locked:
        services.bundle_version_update(actor=s.editor, version=version, data={"name": "x"})
    assert locked.value.code == "bundle_version_not_editable"


def test_code_must_be_unique(s):
    services.bundle_create(actor=s.editor, steward=s.bureau, name="甲", code="XA-X-1")
    with pytest.raises(ValidationFailed) as taken:
        services.bundle_create(actor=s.editor, steward=s.bureau, name="乙", code="XA-X-1")
    assert taken.value.errors[0].code == "bundle_code_taken"
    assert Bundle.objects.count() == 1 and BundleVersion.objects.count() == 1
