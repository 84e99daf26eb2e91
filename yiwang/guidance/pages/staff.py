"""Staff pages of guided search: synonyms (口语 → 规范用语), zero-result searches, click review,
and the knowledge base (versioned entries with source document and review date)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from yiwang.core.errors import ValidationFailed
from yiwang.guidance import access, selectors, services


def _staff(view):
    @login_required
    def wrapper(request, *args, **kwargs):
        access.require_staff(request.user)
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


@_staff
@require_http_methods(["GET", "POST"])
def home(request):
    errors = []
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "synonym":
                services.save_synonym(phrase=request.POST.get("phrase", ""), canonical=request.POST.get("canonical", ""),
                                      actor=request.user)
                messages.success(request, "同义词已保存，搜索立即按新词理解。")
            elif action == "delete_synonym":
                services.delete_synonym(request.POST.get("phrase", ""), actor=request.user)
                messages.success(request, "同义词已删除。")
            elif action == "resolve":
                services.resolve_zero_result(request.POST.get("query", ""))
                messages.success(request, "已标记为处理完毕。")
            elif action in ("approve", "reject"):
                services.review_click(int(request.POST.get("click", "0") or 0), approve=action == "approve", actor=request.user)
                messages.success(request, "点击模式已审核。")
            return redirect("guidance:staff_home")
        except ValidationFailed as exc:
            errors = exc.errors
    return render(request, "guidance/staff/home.html", {
        "synonyms": selectors.synonyms(), "zero_results": selectors.zero_results(),
        "clicks": selectors.clicks_for_review(), "errors": errors})


@_staff
@require_http_methods(["GET", "POST"])
def knowledge(request):
    errors, form = [], {}
    if request.method == "POST":
        form = request.POST
        try:
            review = dt.date.fromisoformat(request.POST.get("review_date", ""))
        except ValueError:
            review = None
        try:
            entry = services.save_knowledge(
                key=request.POST.get("key", ""), title=request.POST.get("title", ""), body=request.POST.get("body", ""),
                source_document=request.POST.get("source_document", ""), review_date=review,
                item_code=request.POST.get("item_code", ""), bundle_code=request.POST.get("bundle_code", ""), actor=request.user)
            messages.success(request, f"知识条目「{entry.title}」已保存为第 {entry.version} 版。")
            return redirect("guidance:staff_knowledge")
        except ValidationFailed as exc:
            errors = exc.errors
    return render(request, "guidance/staff/knowledge.html", {
        "entries": selectors.knowledge_entries(q=request.GET.get("q", "")), "errors": errors, "form": form})


@_staff
@require_http_methods(["GET", "POST"])
def knowledge_history(request, key):
    if request.method == "POST" and request.POST.get("action") == "withdraw":
        if services.withdraw_knowledge(key, actor=request.user):
            messages.success(request, f"知识条目 {key} 已停用，不再出现在检索结果中；各版本仍保留。")
        return redirect("guidance:staff_knowledge_history", key=key)
    return render(request, "guidance/staff/knowledge_history.html", {"key": key, "versions": selectors.knowledge_history(key)})
