from django.conf import settings
from django.db import models

from yiwang.core.base_model import BaseModel


class CreditRecordKind(models.TextChoices):
    SERIOUS_DISHONESTY = "serious_dishonesty", "严重失信主体"
    FALSE_COMMITMENT = "false_commitment", "虚假承诺"
    ABNORMAL_OPERATION = "abnormal_operation", "经营异常名录"
    ADMINISTRATIVE_PENALTY = "administrative_penalty", "行政处罚"


# Kinds that exclude an applicant from commitment (告知承诺) and deferred-material (容缺) acceptance
# (国办发〔2020〕42号: serious bad credit or an earlier false promise).
EXCLUDING_KINDS = frozenset({CreditRecordKind.SERIOUS_DISHONESTY, CreditRecordKind.FALSE_COMMITMENT})


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
