"""The five satisfaction levels of 好差评 (GB/T 39734 / 39735-2020; 国办发〔2019〕51号).

The *meaning* is stored (a stable English value); numeric codes differ between interfaces
(GB/T 39046 appendix A uses 1 = 非常满意 … 5 = 非常不满意, some provincial systems the reverse) and
are translated only at the edge, by the client of that interface. The 12345 hotline's callback
satisfaction uses the same levels, so both feed one set of indicators."""

from django.db import models


class SatisfactionLevel(models.TextChoices):
    VERY_SATISFIED = "very_satisfied", "非常满意"
    SATISFIED = "satisfied", "满意"
    BASICALLY_SATISFIED = "basically_satisfied", "基本满意"
    DISSATISFIED = "dissatisfied", "不满意"
    VERY_DISSATISFIED = "very_dissatisfied", "非常不满意"


# 差评: 不满意 or 非常不满意 (GB/T 39734).
BAD_LEVELS = frozenset({SatisfactionLevel.DISSATISFIED, SatisfactionLevel.VERY_DISSATISFIED})
# Satisfaction rate counts 非常满意, 满意 and 基本满意 as satisfied (the definition used in docs/ratings.md).
SATISFIED_LEVELS = frozenset({SatisfactionLevel.VERY_SATISFIED, SatisfactionLevel.SATISFIED,
                              SatisfactionLevel.BASICALLY_SATISFIED})

# GB/T 39046 appendix A 满意度 code set: code -> meaning.
GBT_39046_CODES = {
    "1": SatisfactionLevel.VERY_SATISFIED,
    "2": SatisfactionLevel.SATISFIED,
    "3": SatisfactionLevel.BASICALLY_SATISFIED,
    "4": SatisfactionLevel.DISSATISFIED,
    "5": SatisfactionLevel.VERY_DISSATISFIED,
}
