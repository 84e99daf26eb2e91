from django.conf import settings
from django.db import models

from yiwang.core.base_model import BaseModel
from yiwang.supervision.constants import EXCLUDING_KINDS, CreditRecordKind  # noqa: F401 (re-exported)


class CreditRecord(BaseModel):
    """A credit record against a person or an enterprise (the supervision issue will grow this).

    Keyed by the subject's account; `effective_until` null = until repaired (信用修复).
    """

    subject = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="credit_records")
    kind = models.CharField(max_length=40, choices=CreditRecordKind.choices)
    description = models.TextField()
    source_case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    effective_from = models.DateField()
    effective_until = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "信用记录"
        indexes = [models.Index(fields=["subject", "kind"], name="credit_subject_idx")]
