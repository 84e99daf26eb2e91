"""Constants of guided search."""

from django.db import models

HOTLINE = "12345"
MAX_QUERY = 100
# Ranking: a bundle answers a whole situation, so it goes before its member items at equal text
# relevance; a high-frequency item before a rare one. Multipliers on the BM25 score.
BUNDLE_BOOST = 1.6
HIGH_FREQUENCY_BOOST = 1.25
# An approved click pattern (query → result) adds this share of the best score.
CLICK_BOOST = 0.5
# Clicks a query/result pair needs before staff see it in the review list.
CLICK_REVIEW_THRESHOLD = 3


class ResultKind(models.TextChoices):
    BUNDLE = "bundle", "一件事"
    ITEM = "item", "事项"


class ClickStatus(models.TextChoices):
    PENDING = "pending", "待审核"
    APPROVED = "approved", "已采纳"
    REJECTED = "rejected", "不采纳"
