"""Case services: the writes pages, the API and tasks call. One module per stage of the law's
lifecycle, re-exported here. They sit above yiwang.cases.actions (what follows each event) and the
building blocks it uses (transitions, documents, back_office, handover), none of which import this
package — so importing it from anywhere closes no circle.
"""

from yiwang.cases.documents import document_file  # the PDF, rendered now if the after-commit step has not run
from yiwang.cases.services.acceptance import (
    case_accept,
    case_deem_accept,
    case_refuse,
    case_request_corrections,
    case_resubmit,
    eligibility,
)
from yiwang.cases.services.bundled import case_close_unneeded, case_hand_over
from yiwang.cases.services.clock import case_extend, case_pause, case_resume, recompute_provisional_due_dates
from yiwang.cases.services.decisions import (
    case_decide,
    case_deferral_lapse,
    case_supplement_deferred,
    case_terminate,
    case_withdraw,
    commitment_verify,
)
from yiwang.cases.services.delivery import (
    case_deliver,
    delivery_change,
    locker_pickup,
    material_transfer_receive,
    material_transfer_send,
    pickup_code_reissue,
)
from yiwang.cases.services.intake import (
    BatchItem,
    BatchRejected,
    application_discard_draft,
    application_save_draft,
    application_submit,
    application_submit_at_window,
    application_submit_draft,
    applications_submit_batch,
    current_published_version_id,
    delivery_problems,
    drop_off_locker_of,
    licence_offer,
    material_problems,
    outlet_accepts,
    prefill_from_profile,
    stored_file_create,
)
from yiwang.cases.services.lockers import (
    drop_off_after_submit,
    drop_off_collect,
    drop_off_deposit,
    drop_off_hand_over,
    drop_off_receive,
    drop_off_request,
    lockers_return_uncollected,
)
from yiwang.cases.services.monitoring import run_monitoring
from yiwang.cases.services.proactive import case_confirm, case_decline, case_lapse, case_offer, proactive_prefill
from yiwang.cases.services.work_tasks import decision_submit, task_claim, task_complete, task_reassign, task_return

__all__ = [
    "BatchItem",
    "BatchRejected",
    "applications_submit_batch",
    "document_file",
    "application_discard_draft",
    "application_save_draft",
    "application_submit",
    "application_submit_at_window",
    "application_submit_draft",
    "case_accept",
    "case_confirm",
    "case_decline",
    "case_lapse",
    "case_offer",
    "proactive_prefill",
    "case_close_unneeded",
    "case_hand_over",
    "current_published_version_id",
    "case_decide",
    "case_deem_accept",
    "case_deferral_lapse",
    "case_deliver",
    "case_extend",
    "case_pause",
    "case_refuse",
    "case_request_corrections",
    "case_resubmit",
    "case_resume",
    "case_supplement_deferred",
    "case_terminate",
    "case_withdraw",
    "commitment_verify",
    "decision_submit",
    "delivery_change",
    "delivery_problems",
    "drop_off_after_submit",
    "drop_off_locker_of",
    "drop_off_collect",
    "drop_off_hand_over",
    "drop_off_deposit",
    "drop_off_receive",
    "drop_off_request",
    "eligibility",
    "licence_offer",
    "locker_pickup",
    "lockers_return_uncollected",
    "material_problems",
    "material_transfer_receive",
    "material_transfer_send",
    "outlet_accepts",
    "pickup_code_reissue",
    "prefill_from_profile",
    "recompute_provisional_due_dates",
    "run_monitoring",
    "stored_file_create",
    "task_claim",
    "task_complete",
    "task_reassign",
    "task_return",
]
