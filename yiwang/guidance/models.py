"""Guided search tables: the synonym layer, the knowledge base (versioned), search logs and clicks."""

from django.conf import settings
from django.db import models

from yiwang.core.base_model import BaseModel
from yiwang.guidance.constants import ClickStatus, ResultKind


class Synonym(BaseModel):
    """口语 → 规范用语: a word people say, and the catalog words it means (space-separated)."""

    phrase = models.CharField("口语说法", max_length=40, unique=True)
    canonical = models.CharField("规范用语", max_length=200, help_text="多个词用空格分开，如“餐饮 食品经营”。")
    active = models.BooleanField("启用", default=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["phrase"]
        verbose_name = verbose_name_plural = "口语同义词"

    def __str__(self) -> str:
        return f"{self.phrase} → {self.canonical}"


class KnowledgeEntry(BaseModel):
    """One version of a knowledge-base entry. `key` names the entry across versions; exactly one
    version of a key is current. Old versions stay (who said what, when, on which source)."""

    key = models.CharField("条目编号", max_length=40, db_index=True)
    version = models.PositiveIntegerField("版本号", default=1)
    is_current = models.BooleanField("现行版本", default=True)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容")
    source_document = models.CharField("来源文件", max_length=300)
    review_date = models.DateField("复核日期")
    item_code = models.CharField("关联事项实施编码", max_length=40, blank=True)
    bundle_code = models.CharField("关联一件事编码", max_length=40, blank=True)
    is_demo = models.BooleanField("演示数据", default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # The search index's words for this version (engine.knowledge_tokens, space-separated), cut once
    # when the version is saved (or at the first index build for rows written in bulk). A version's
    # text never changes, so its id keys its tokens; `tokens_version` says which tokeniser cut them.
    search_tokens = models.TextField("检索词", blank=True, default="", editable=False)
    tokens_version = models.PositiveSmallIntegerField("检索词版本", default=0, editable=False)

    class Meta:
        ordering = ["key", "-version"]
        verbose_name = verbose_name_plural = "知识库条目"
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="guidance_kb_unique_version"),
            models.UniqueConstraint(fields=["key"], condition=models.Q(is_current=True), name="guidance_kb_one_current"),
        ]

    def __str__(self) -> str:
        return f"{self.title}（第 {self.version} 版）"


class ZeroResultSearch(BaseModel):
    """A query that found nothing in the catalog text, counted, for staff to add a synonym."""

    query = models.CharField("查询", max_length=100, unique=True)
    count = models.PositiveIntegerField("次数", default=1)
    suggestions = models.JSONField("建议", default=list, blank=True)
    resolved = models.BooleanField("已处理", default=False)

    class Meta:
        ordering = ["-count", "query"]
        verbose_name = verbose_name_plural = "无结果搜索"


class SearchClick(BaseModel):
    """What people opened after a search: counted per query and result; it changes ranking only
    once staff approve it."""

    query = models.CharField("查询", max_length=100)
    kind = models.CharField("类型", max_length=10, choices=ResultKind.choices)
    code = models.CharField("编码", max_length=40)
    name = models.CharField("名称", max_length=200, blank=True)
    count = models.PositiveIntegerField("点击次数", default=0)
    status = models.CharField("审核", max_length=10, choices=ClickStatus.choices, default=ClickStatus.PENDING)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-count", "query"]
        verbose_name = verbose_name_plural = "搜索点击"
        constraints = [models.UniqueConstraint(fields=["query", "kind", "code"], name="guidance_click_unique")]
