"""The catalog's writes: implementations, drafts, edits, submission, review, publication."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from yiwang.catalog import services
from yiwang.catalog.constants import ErrorCode, VersionStatus
from yiwang.catalog.models import (
    FAQ,
    ImplementationVersion,
    ItemImplementation,
    Material,
    VersionReview,
    published_content_writes,
)
from yiwang.catalog.tests.catalog_team import make_team
from yiwang.catalog.tests.factories import (
    BaseItemFactory,
    DataElementFactory,
    FeeItemFactory,
    FormFieldFactory,
    ServicePlaceFactory,
    VersionFactory,
)
from yiwang.core.errors import Conflict, DomainError, InvalidTransition, PermissionDenied, ValidationFailed
from yiwang.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return make_team()


def fields_of(exc: ValidationFailed) -> dict[str, str]:
    return {e.field: e.code for e in exc.errors}


def draft_of(team) -> ImplementationVersion:
    return services.version_start_draft(actor=team.editor, implementation=team.published.implementation)


def approved(team) -> ImplementationVersion:
    draft = draft_of(team)
    services.version_submit(actor=team.editor, version=draft)
    services.version_review(actor=team.reviewer, version=draft, decision="approve", comment="")
    draft.refresh_from_db()
    return draft


class TestImplementationCreate:
    def test_creates_draft_version_one_with_the_data_and_an_event(self, team):
        base = BaseItemFactory(name="道路运输经营许可", legal_basis=[{"name": "道路运输条例", "articles": "第十条"}])
        implementation = services.implementation_create(
            actor=team.editor, base_item=base, agency=team.department, exercise_level="3",
            implementation_code="11610100MB0000001X3000131000", data={"promised_limit": "5"})
        version = implementation.versions.get()
        assert (version.number, version.status, version.created_by) == (1, VersionStatus.DRAFT, team.editor)
        assert version.name == "道路运输经营许可" and version.legal_basis == base.legal_basis
        assert version.promised_limit == Decimal("5")
        assert implementation.current_version is None
        assert AuditEvent.objects.filter(action="catalog.implementation_created", object_id=str(implementation.pk)).exists()

    def test_needs_the_editor_role_over_the_agency(self, team):
        with pytest.raises(PermissionDenied, match="事项编辑"):
            services.implementation_create(actor=team.outsider, base_item=BaseItemFactory(), agency=team.department,
                                           exercise_level="3", implementation_code="X1", data={})
        with pytest.raises(PermissionDenied):
            services.implementation_create(actor=team.reviewer, base_item=BaseItemFactory(), agency=team.department,
                                           exercise_level="3", implementation_code="X1", data={})

    def test_reports_every_bad_input_at_once(self, team):
        taken = team.published.implementation.implementation_code
        with pytest.raises(ValidationFailed) as caught:
            services.implementation_create(actor=team.editor, base_item=BaseItemFactory(), agency=team.department,
                                           exercise_level="9", implementation_code=taken, handling_item_kind="x",
                                           data={"visits": "两次", "color": "red"})
        assert fields_of(caught.value) == {
            "implementation_code": ErrorCode.IMPLEMENTATION_CODE_TAKEN, "exercise_level": ErrorCode.FIELD_INVALID_CHOICE,
            "handling_item_kind": ErrorCode.FIELD_INVALID_CHOICE, "visits": ErrorCode.FIELD_INVALID,
            "color": ErrorCode.FIELD_UNKNOWN}
        assert ItemImplementation.objects.count() == 1


class TestStartDraft:
    def test_copies_every_element_and_child_of_the_published_version(self, team):
        published = team.published
        FeeItemFactory(version=published)
        ServicePlaceFactory(version=published)
        FormFieldFactory(version=published, data_element=DataElementFactory(key="applicant.name"))
        with published_content_writes():  # arranging a fixture, as the factories do
            published.co_agencies.add(team.other_agency)
        draft = draft_of(team)
        assert (draft.number, draft.status, draft.created_by) == (2, VersionStatus.DRAFT, team.editor)
        assert draft.name == published.name and draft.legal_basis == published.legal_basis
        assert draft.result_sample.name == published.result_sample.name
        assert list(draft.co_agencies.all()) == [team.other_agency]
        for kind in ("materials", "fee_items", "faqs", "places", "form_fields"):
            before = list(getattr(published, kind).all())
            after = list(getattr(draft, kind).all())
            assert len(after) == len(before) == 1, kind
            assert after[0].pk != before[0].pk
        assert draft.form_fields.get().data_element.key == "applicant.name"
        assert draft.change_note == "" and draft.submitted_by is None

    def test_only_one_open_draft(self, team):
        first = draft_of(team)
        with pytest.raises(Conflict) as caught:
            draft_of(team)
        assert caught.value.code == ErrorCode.DRAFT_EXISTS and caught.value.detail == {"version_id": first.pk}

    def test_needs_a_published_version_and_the_editor_role(self, team):
        implementation = VersionFactory(implementation__agency=team.department).implementation
        with pytest.raises(Conflict) as caught:
            services.version_start_draft(actor=team.editor, implementation=implementation)
        assert caught.value.code in (ErrorCode.DRAFT_EXISTS, ErrorCode.NO_PUBLISHED_VERSION)
        with pytest.raises(PermissionDenied):
            services.version_start_draft(actor=team.reviewer, implementation=team.published.implementation)

    def test_number_is_one_above_the_highest(self, team):
        draft = approved(team)
        services.version_publish(actor=team.reviewer, version=draft)
        assert draft_of(team).number == 3


class TestUpdate:
    def test_changes_elements_and_replaces_lists(self, team):
        draft = draft_of(team)
        material = draft.materials.get()
        services.version_update(
            actor=team.editor, version=draft,
            data={"promised_limit": "7.5", "case_kind": "承诺件", "service_objects": "1,2", "high_frequency": "否",
                  "legal_basis": "中华人民共和国食品安全法｜第三十五条\n食品经营许可管理办法", "co_agencies": [team.other_agency.pk]},
            materials=[{"id": material.pk, "name": "营业执照（副本）"}, {"name": "身份证", "necessity": "容缺后补"}],
            faqs=[{"question": "要多久？", "answer": "7.5 个工作日"}])
        draft.refresh_from_db()
        assert draft.promised_limit == Decimal("7.5") and draft.case_kind == "2"
        assert draft.service_objects == ["1", "2"] and draft.high_frequency is False
        assert draft.legal_basis == [{"name": "中华人民共和国食品安全法", "articles": "第三十五条"},
                                     {"name": "食品经营许可管理办法", "articles": ""}]
        assert list(draft.co_agencies.all()) == [team.other_agency]
        names = list(draft.materials.values_list("pk", "name", "necessity", "order"))
        assert names == [(material.pk, "营业执照（副本）", "required", 0), (names[1][0], "身份证", "deferrable", 1)]
        assert [f.question for f in draft.faqs.all()] == ["要多久？"]
        assert team.published.materials.get().name != "营业执照（副本）"  # the published version is untouched

    def test_every_bad_element_is_named_and_nothing_is_written(self, team):
        draft = draft_of(team)
        other_material = Material.objects.exclude(version=draft).first()
        with pytest.raises(ValidationFailed) as caught:
            services.version_update(
                actor=team.editor, version=draft,
                data={"promised_limit": "abc", "statutory_limit": "0.25", "promised_limit_unit": "周", "visits": 99,
                      "status": "published", "name": "", "online_url": "ftp://x", "service_objects": ["1", "8"],
                      "name_typo": 1, "legal_basis": [{"articles": "第一条"}]},
                materials=[{"name": ""}, {"id": other_material.pk, "name": "x"}, {"name": "y", "necessity": "maybe"},
                           {"name": "z", "colour": "red"}],
                form_fields=[{"data_element": "no.such.element"}])
        found = fields_of(caught.value)
        assert found == {
            "promised_limit": ErrorCode.FIELD_INVALID, "statutory_limit": ErrorCode.FIELD_INVALID,
            "promised_limit_unit": ErrorCode.FIELD_INVALID_CHOICE, "visits": ErrorCode.FIELD_OUT_OF_RANGE,
            "status": ErrorCode.FIELD_READ_ONLY, "name": ErrorCode.FIELD_REQUIRED, "online_url": ErrorCode.FIELD_INVALID,
            "service_objects": ErrorCode.FIELD_INVALID_CHOICE, "name_typo": ErrorCode.FIELD_UNKNOWN,
            "legal_basis": ErrorCode.FIELD_REQUIRED, "materials[0].name": ErrorCode.FIELD_REQUIRED,
            "materials[1].id": ErrorCode.FIELD_INVALID, "materials[2].necessity": ErrorCode.FIELD_INVALID_CHOICE,
            "materials[3].colour": ErrorCode.FIELD_UNKNOWN, "form_fields[0].data_element": ErrorCode.FIELD_INVALID,
        }
        messages = {e.field: e.message for e in caught.value.errors}
        assert messages["promised_limit_unit"].startswith("承诺时限单位的取值「周」无效")
        assert "第 3 项申请材料的必要性" in messages["materials[2].necessity"]
        draft.refresh_from_db()
        assert draft.promised_limit == team.published.promised_limit and draft.materials.count() == 1

    def test_result_sample_upload_keeps_the_published_file(self, team):
        draft = draft_of(team)
        services.version_update(actor=team.editor, version=draft,
                                data={"result_sample": SimpleUploadedFile("新样本.pdf", b"%PDF-1.4 new")})
        draft.refresh_from_db()
        assert draft.result_sample.name != team.published.result_sample.name
        assert draft.result_sample.read() == b"%PDF-1.4 new"
        team.published.refresh_from_db()
        assert team.published.result_sample.read() == b"%PDF-1.4 sample"
        with pytest.raises(ValidationFailed) as caught:
            services.version_update(actor=team.editor, version=draft,
                                    data={"result_sample": SimpleUploadedFile("x.exe", b"MZ")})
        assert fields_of(caught.value) == {"result_sample": ErrorCode.FIELD_INVALID}

    def test_only_editable_versions_change(self, team):
        with pytest.raises(DomainError) as caught:
            services.version_update(actor=team.editor, version=team.published, data={"name": "改名"})
        assert caught.value.code == ErrorCode.VERSION_IMMUTABLE
        draft = draft_of(team)
        services.version_submit(actor=team.editor, version=draft)
        with pytest.raises(DomainError) as caught:
            services.version_update(actor=team.editor, version=draft, data={"name": "改名"})
        assert caught.value.code == ErrorCode.VERSION_NOT_EDITABLE
        with pytest.raises(PermissionDenied):
            services.version_update(actor=team.outsider, version=draft, data={})


class TestSubmit:
    def test_submits_a_consistent_draft(self, team):
        draft = draft_of(team)
        services.version_submit(actor=team.editor2, version=draft)
        draft.refresh_from_db()
        assert draft.status == VersionStatus.SUBMITTED and draft.submitted_by == team.editor2 and draft.submitted_at
        assert AuditEvent.objects.filter(action="catalog.version_submitted", object_id=str(draft.pk)).exists()

    def test_lists_every_rule_failure_with_the_fix(self, team):
        draft = draft_of(team)
        services.version_update(actor=team.editor, version=draft,
                                data={"promised_limit": 30, "complaint_phone": "86786666", "visits": 1},
                                faqs=[])
        with pytest.raises(ValidationFailed) as caught:
            services.version_submit(actor=team.editor, version=draft)
        assert fields_of(caught.value) == {
            "promised_limit": ErrorCode.RULE_PROMISED_EXCEEDS_STATUTORY, "visits_reason": ErrorCode.RULE_VISITS_REASON,
            "complaint_phone": ErrorCode.RULE_PHONE_AREA_CODE, "faqs": ErrorCode.RULE_LICENSING_FAQ}
        assert caught.value.message.startswith("提交未通过：共有 4 处需要修改。")
        draft.refresh_from_db()
        assert draft.status == VersionStatus.DRAFT

    @pytest.mark.parametrize("status", ["submitted", "approved", "published", "superseded"])
    def test_only_drafts_and_returned_versions_are_submitted(self, team, status):
        version = VersionFactory(implementation__agency=team.department, status=status)
        with pytest.raises(InvalidTransition) as caught:
            services.version_submit(actor=team.editor, version=version)
        assert caught.value.code == "invalid_transition"


class TestReview:
    def submitted(self, team):
        draft = draft_of(team)
        services.version_submit(actor=team.editor, version=draft)
        return draft

    def test_approve_records_the_review(self, team):
        draft = self.submitted(team)
        review = services.version_review(actor=team.reviewer, version=draft, decision="approve", comment="")
        draft.refresh_from_db()
        assert draft.status == VersionStatus.APPROVED and draft.reviewed_by == team.reviewer
        assert (review.version, review.reviewer, review.decision) == (draft, team.reviewer, "approve")

    def test_return_needs_a_comment_and_makes_the_version_editable_again(self, team):
        draft = self.submitted(team)
        with pytest.raises(ValidationFailed) as caught:
            services.version_review(actor=team.reviewer, version=draft, decision="return", comment="  ")
        assert fields_of(caught.value) == {"comment": ErrorCode.COMMENT_REQUIRED}
        services.version_review(actor=team.reviewer, version=draft, decision="return", comment="请补充常见问题。")
        draft.refresh_from_db()
        assert draft.status == VersionStatus.RETURNED and draft.is_editable
        services.version_update(actor=team.editor, version=draft, data={"change_note": "已补充"})
        services.version_submit(actor=team.editor, version=draft)
        draft.refresh_from_db()
        assert draft.status == VersionStatus.SUBMITTED
        assert list(VersionReview.objects.filter(version=draft).values_list("decision", flat=True)) == ["return"]

    def test_the_drafts_creator_cannot_review_it(self, team):
        draft = services.version_start_draft(actor=team.both, implementation=team.published.implementation)
        services.version_submit(actor=team.editor, version=draft)
        with pytest.raises(PermissionDenied) as caught:
            services.version_review(actor=team.both, version=draft, decision="approve", comment="")
        assert caught.value.code == ErrorCode.SELF_REVIEW and caught.value.http_status == 403

    def test_submitter_holding_the_reviewer_role_cannot_review(self, team):
        draft = draft_of(team)
        services.version_submit(actor=team.both, version=draft)
        with pytest.raises(PermissionDenied) as caught:
            services.version_review(actor=team.both, version=draft, decision="approve", comment="")
        assert caught.value.code == ErrorCode.SELF_REVIEW

    def test_needs_the_reviewer_role_and_a_valid_decision(self, team):
        draft = self.submitted(team)
        with pytest.raises(PermissionDenied) as caught:
            services.version_review(actor=team.editor2, version=draft, decision="approve", comment="")
        assert caught.value.code == "permission_denied"
        with pytest.raises(ValidationFailed) as caught:
            services.version_review(actor=team.reviewer, version=draft, decision="maybe", comment="")
        assert fields_of(caught.value) == {"decision": ErrorCode.FIELD_INVALID_CHOICE}

    def test_a_draft_cannot_be_reviewed(self, team):
        with pytest.raises(InvalidTransition):
            services.version_review(actor=team.reviewer, version=draft_of(team), decision="approve", comment="")


class TestPublish:
    def test_publishing_supersedes_the_previous_version_and_keeps_it(self, team):
        old = team.published
        old_material = old.materials.get()
        draft = approved(team)
        services.version_publish(actor=team.editor2, version=draft)
        old.refresh_from_db()
        draft.refresh_from_db()
        assert draft.status == VersionStatus.PUBLISHED and draft.published_by == team.editor2 and draft.published_at
        assert old.status == VersionStatus.SUPERSEDED and old.superseded_at == draft.published_at
        assert ItemImplementation.objects.get(pk=old.implementation_id).current_version == draft
        assert old.materials.get() == old_material and old.name == "食品经营许可（新办）"
        assert set(AuditEvent.objects.filter(object_id__in=[str(old.pk), str(draft.pk)]).values_list("action", flat=True)) >= {
            "catalog.version_superseded", "catalog.version_published"}

    def test_only_approved_versions_are_published(self, team):
        draft = draft_of(team)
        with pytest.raises(InvalidTransition):
            services.version_publish(actor=team.reviewer, version=draft)
        with pytest.raises(InvalidTransition):
            services.version_publish(actor=team.reviewer, version=team.published)

    def test_needs_an_editor_or_reviewer_in_scope(self, team):
        draft = approved(team)
        with pytest.raises(PermissionDenied):
            services.version_publish(actor=team.outsider, version=draft)
        services.version_publish(actor=team.reviewer, version=draft)

    def test_first_version_publishes_without_a_predecessor(self, team):
        base = BaseItemFactory()
        implementation = services.implementation_create(
            actor=team.editor, base_item=base, agency=team.department, exercise_level="3", implementation_code="NEW-1",
            data={"service_objects": ["1"], "legal_basis": "中华人民共和国行政许可法｜第十二条", "statutory_limit": 20,
                  "statutory_limit_unit": "working_day",
                  "promised_limit": 5, "acceptance_conditions": ["齐全"], "visits": 0, "result_type": "none",
                  "consultation_phone": "029-86786666", "complaint_phone": "029-12345", "no_materials_required": True})
        version = implementation.versions.get()
        services.version_update(actor=team.editor, version=version, data={}, faqs=[{"question": "问", "answer": "答"}])
        services.version_submit(actor=team.editor, version=version)
        services.version_review(actor=team.reviewer, version=version, decision="approve", comment="好")
        services.version_publish(actor=team.editor, version=version)
        implementation.refresh_from_db()
        assert implementation.current_version == version
        assert FAQ.objects.filter(version=version).count() == 1
