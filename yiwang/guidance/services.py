"""Writes of guided search. Every write tells this process's index to look at the version stamps
at the next search (selectors.mark_changed), which brings in only what changed; other processes
see the stamps move within selectors.STAMP_CHECK_SECONDS. A knowledge entry's tokens are cut
when it is saved and stored with it, so no index build cuts its text again."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from yiwang.core.audit import record_event
from yiwang.core.errors import FieldError, ValidationFailed
from yiwang.guidance import selectors
from yiwang.guidance.constants import MAX_QUERY, ClickStatus, ResultKind
from yiwang.guidance.engine import TOKENS_VERSION, clean, knowledge_tokens
from yiwang.guidance.models import KnowledgeEntry, SearchClick, Synonym, ZeroResultSearch
from yiwang.guidance.seed import SYNONYMS


def seed_synonyms() -> int:
    """Create the starting synonyms that do not exist yet; staff edits are kept."""
    have = set(Synonym.objects.values_list("phrase", flat=True))
    rows = [Synonym(phrase=p, canonical=c) for p, c in SYNONYMS.items() if p not in have]
    Synonym.objects.bulk_create(rows)
    selectors.mark_changed()
    return len(rows)


def save_synonym(*, phrase: str, canonical: str, active: bool = True, actor=None) -> Synonym:
    phrase, canonical = clean(phrase)[:40], clean(canonical)[:200]
    errors = []
    if not phrase:
        errors.append(FieldError("phrase", "required", "请填写口语说法。"))
    if not canonical:
        errors.append(FieldError("canonical", "required", "请填写规范用语。"))
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():  # the audit sequence is taken in the write's transaction
        row, created = Synonym.objects.update_or_create(phrase=phrase, defaults={"canonical": canonical, "active": active,
                                                                                 "updated_by": actor})
        record_event(actor=actor, action="guidance.synonym_saved", obj=row,
                     details={"phrase": phrase, "canonical": canonical, "active": active, "created": created})
    selectors.mark_changed()
    return row


def delete_synonym(phrase: str, *, actor=None) -> None:
    with transaction.atomic():
        deleted, _ = Synonym.objects.filter(phrase=phrase).delete()
        if deleted:
            record_event(actor=actor, action="guidance.synonym_deleted", object_type="guidance.synonym",
                         details={"phrase": phrase})
    selectors.mark_changed()


@transaction.atomic
def save_knowledge(*, key: str, title: str, body: str, source_document: str, review_date: dt.date,
                   item_code: str = "", bundle_code: str = "", actor=None, is_demo: bool = False) -> KnowledgeEntry:
    """A new version of entry `key` (the first when new); the previous version stays, not current."""
    errors = []
    for name, value, label in (("key", key, "条目编号"), ("title", title, "标题"), ("body", body, "内容"),
                               ("source_document", source_document, "来源文件")):
        if not (value or "").strip():
            errors.append(FieldError(name, "required", f"请填写{label}。"))
    if not isinstance(review_date, dt.date):
        errors.append(FieldError("review_date", "required", "请填写复核日期。"))
    if errors:
        raise ValidationFailed(errors)
    current = KnowledgeEntry.objects.select_for_update().filter(key=key, is_current=True).first()
    # After a withdrawal no version is current: number on from the last one all the same.
    number = (KnowledgeEntry.objects.filter(key=key).aggregate(m=Max("version"))["m"] or 0) + 1
    if current:
        KnowledgeEntry.objects.filter(pk=current.pk).update(is_current=False, updated_at=timezone.now())
    title, body = title.strip(), body.strip()
    entry = KnowledgeEntry.objects.create(key=key.strip(), version=number, title=title, body=body,
                                          source_document=source_document.strip(), review_date=review_date,
                                          item_code=item_code.strip(), bundle_code=bundle_code.strip(),
                                          created_by=actor, is_demo=is_demo,
                                          search_tokens=" ".join(knowledge_tokens(title, body)), tokens_version=TOKENS_VERSION)
    record_event(actor=actor, action="guidance.knowledge_saved", obj=entry,
                 details={"key": entry.key, "version": number, "title": entry.title})
    selectors.mark_changed()  # a search later in this transaction sees it too
    transaction.on_commit(selectors.mark_changed)
    return entry


@transaction.atomic
def withdraw_knowledge(key: str, *, actor=None) -> bool:
    """Take entry `key` out of search: its current version stops being current (every version
    stays in the history). Saving the key again makes it current again as a new version."""
    current = KnowledgeEntry.objects.select_for_update().filter(key=key, is_current=True).first()
    if current is None:
        return False
    # updated_at moves with it: the version stamp of the knowledge index changes.
    KnowledgeEntry.objects.filter(pk=current.pk).update(is_current=False, updated_at=timezone.now())
    record_event(actor=actor, action="guidance.knowledge_withdrawn", obj=current,
                 details={"key": current.key, "version": current.version, "title": current.title})
    selectors.mark_changed()  # a search later in this transaction sees it too
    transaction.on_commit(selectors.mark_changed)
    return True


def log_zero_result(query: str, suggestions: list[str]) -> None:
    query = clean(query)[:MAX_QUERY]
    if not query:
        return
    updated = ZeroResultSearch.objects.filter(query=query).update(count=F("count") + 1, suggestions=suggestions[:5], resolved=False)
    if not updated:
        ZeroResultSearch.objects.get_or_create(query=query, defaults={"suggestions": suggestions[:5]})


def resolve_zero_result(query: str) -> None:
    ZeroResultSearch.objects.filter(query=query).update(resolved=True)


def record_click(*, query: str, kind: str, code: str, name: str = "") -> None:
    """Count what someone opened after a search. It changes nothing until staff approve it."""
    query = clean(query)[:MAX_QUERY]
    if not query or kind not in ResultKind.values or not code:
        return
    updated = SearchClick.objects.filter(query=query, kind=kind, code=code[:40]).update(count=F("count") + 1)
    if not updated:
        SearchClick.objects.get_or_create(query=query, kind=kind, code=code[:40], defaults={"name": name[:200], "count": 1})


def review_click(click_id: int, *, approve: bool, actor=None) -> None:
    status = ClickStatus.APPROVED if approve else ClickStatus.REJECTED
    with transaction.atomic():
        if SearchClick.objects.filter(pk=click_id).update(status=status, reviewed_by=actor):
            record_event(actor=actor, action="guidance.click_reviewed", object_type="guidance.searchclick",
                         object_id=click_id, details={"status": str(status)})
    selectors.mark_changed()
