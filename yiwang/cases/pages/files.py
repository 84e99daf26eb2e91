"""Files, each only through an access check: case documents (PDF), a case's material files (the
applicant and staff in scope), the applicant's own uploads."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required

from yiwang.cases.access import access_case_file, access_document_by_id, access_own_file
from yiwang.cases.documents import document_file
from yiwang.cases.pages.shared import applicant_required, not_found, serve
from yiwang.core.errors import NotFound


@login_required
def document(request, document_id: int):
    try:
        doc = access_document_by_id(actor=request.user, document_id=document_id)
    except NotFound:
        return not_found(request, "未找到该文书。")
    return serve(document_file(doc), content_type="application/pdf",
                 filename=f"{doc.get_kind_display()}-{doc.case.number}.pdf")


@login_required
def case_file(request, case_id: int, file_id: int):
    """A material file of a case: for the applicant, and for staff whose scope holds the case."""
    try:
        stored = access_case_file(actor=request.user, case_id=case_id, file_id=file_id)
    except NotFound:
        return not_found(request, "未找到该文件。")
    return serve(stored.file, content_type=stored.content_type, filename=stored.original_name)


@applicant_required
def my_file(request, file_id: int):
    stored = access_own_file(actor=request.user, file_id=file_id)
    return serve(stored.file, content_type=stored.content_type, filename=stored.original_name)
