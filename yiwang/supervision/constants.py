"""Code sets of supervision. Values are stable: they are stored and exchanged."""

from django.db import models


class CreditRecordKind(models.TextChoices):
    SERIOUS_DISHONESTY = "serious_dishonesty", "严重失信主体"  # on the national list of seriously dishonest subjects
    FALSE_COMMITMENT = "false_commitment", "虚假承诺"  # a 告知承诺 found untrue on verification
    ABNORMAL_OPERATION = "abnormal_operation", "经营异常名录"  # listed as operating abnormally
    ADMINISTRATIVE_PENALTY = "administrative_penalty", "行政处罚"  # an administrative penalty on record


# Kinds that exclude an applicant from commitment (告知承诺) and deferred-material (容缺) acceptance
# (国办发〔2020〕42号: serious bad credit or an earlier false promise).
EXCLUDING_KINDS = frozenset({CreditRecordKind.SERIOUS_DISHONESTY, CreditRecordKind.FALSE_COMMITMENT})
