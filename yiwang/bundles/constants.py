"""Code sets and stable error codes of the bundles app.

A bundle version lives like a catalog version (draft → submitted → approved → published →
superseded, with returned), so the statuses and actions are the catalog's own (one vocabulary for
"a reviewed, published definition"); lifecycle.py reuses the catalog's transition table.
"""

from yiwang.catalog.constants import EDITABLE_STATUSES, FROZEN_STATUSES, VersionAction, VersionStatus  # noqa: F401

# Seed 000 (市审批函〔2020〕9号, §二(四)): what Xi'an reported for its bundles in 2020.
REPORTED_REDUCTIONS = {"materials": "30.6", "visits": "75.1", "time": "50"}
REPORTED_SOURCE = ("西安市行政审批服务局《关于对十六届人大五次会议第0129号建议的复函》（市审批函〔2020〕9号）："
                   "初步统计，通过“一件事一次办”系统集成，可实现减材料30.6%、减跑动75.1%，压缩办理时限50%。")


class ErrorCode:
    """Stable codes of bundle errors (machines depend on them; never rename one)."""

    # Definition (rules.py, services.py)
    NAME_MISSING = "bundle_name_missing"
    STAGE_MISSING = "bundle_stage_missing"
    LEAD_AGENCY_MISSING = "bundle_lead_agency_missing"
    TOO_FEW_MEMBERS = "bundle_too_few_members"
    DUPLICATE_MEMBER = "bundle_duplicate_member"
    MEMBER_NOT_PUBLISHED = "bundle_member_not_published"
    NO_LEAD_MEMBER = "bundle_no_lead_member"
    LEAD_NOT_LEAD_AGENCY = "bundle_lead_agency_not_lead_member"
    UNKNOWN_DEPENDENCY = "bundle_unknown_dependency"
    DEPENDENCY_CYCLE = "bundle_dependency_cycle"
    FORM_CONFLICT = "bundle_form_conflict"
    QUESTION_INVALID = "bundle_question_invalid"
    QUESTION_EXCLUDES_LEAD = "bundle_question_excludes_lead"
    QUESTION_UNKNOWN_MEMBER = "bundle_question_unknown_member"
    QUESTION_UNKNOWN_MATERIAL = "bundle_question_unknown_material"
    SEPARATE_ELEMENT_UNUSED = "bundle_separate_element_unused"
    # Input (services.py, api.py)
    FIELD_REQUIRED = "required"
    FIELD_INVALID = "invalid"
    FIELD_TOO_LONG = "too_long"
    FIELD_UNKNOWN = "unknown_field"
    # Answers (situations.py)
    UNKNOWN_QUESTION = "unknown_question"
    UNKNOWN_OPTION = "unknown_option"
    # Versions and review
    VERSION_IMMUTABLE = "bundle_version_immutable"
    VERSION_NOT_EDITABLE = "bundle_version_not_editable"
    DRAFT_EXISTS = "bundle_draft_exists"
    NO_PUBLISHED_VERSION = "bundle_no_published_version"
    SELF_REVIEW = "self_review"
    COMMENT_REQUIRED = "comment_required"
    CODE_TAKEN = "bundle_code_taken"
