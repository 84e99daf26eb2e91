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

    # Applying (applications.py)
    NOT_APPLICABLE = "bundle_not_applicable"
    MEMBER_NOT_ACCEPTABLE = "bundle_member_not_acceptable"
    BUNDLE_CASE_NOT_FOUND = "bundle_case_not_found"
    BUNDLE_CASE_CLOSED = "bundle_case_closed"


class BundleCaseStatus:
    SUBMITTED = "submitted"  # filed; the lead agency's window decides acceptance once for all
    IN_PROGRESS = "in_progress"  # accepted; members run in their agencies
    CONCLUDED = "concluded"  # every member is finished (concluded, refused, closed)
    WITHDRAWN = "withdrawn"
    REFUSED = "refused"  # 综合受理 refused

    CHOICES = [(SUBMITTED, "已提交待综合受理"), (IN_PROGRESS, "办理中"), (CONCLUDED, "已办结"),
               (WITHDRAWN, "已撤回"), (REFUSED, "不予受理")]


class MemberState:
    """Where one member stands inside the bundle (its case has its own, finer status)."""

    WAITING = "waiting"  # waits for the result of a member it depends on
    RUNNING = "running"
    CONCLUDED = "concluded"  # its result exists (approved or denied)
    REFUSED = "refused"  # not accepted / denied: dependents are closed
    CLOSED = "closed"  # closed because a member it depends on was refused, or withdrawn

    CHOICES = [(WAITING, "等待前序事项办结"), (RUNNING, "办理中"), (CONCLUDED, "已办结"), (REFUSED, "未获准予"),
               (CLOSED, "已关闭")]
    FINISHED = frozenset({CONCLUDED, REFUSED, CLOSED})
