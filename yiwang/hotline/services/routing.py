"""Automatic dispatch (智能派单): which catalogue item a description is about, and which units a
ticket goes to. Reads only; the write is services.workflow.ticket_dispatch.

A rule matches an item when its district/street (if any) equals the ticket's; the most specific
match wins (street > district > city-wide), keywords found in the description add to it. The
confidence is a number in [0, 1]; at or above HOTLINE_AUTO_DISPATCH_CONFIDENCE (default 0.8) the
ticket is dispatched without an agent, below it the agent chooses with the suggestion shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings

from yiwang.hotline.models import CatalogueItem, RoutingRule

STREET_MATCH, DISTRICT_MATCH, CITY_MATCH, ITEM_DEFAULT = 0.95, 0.9, 0.85, 0.6
KEYWORD_BONUS = 0.05


@dataclass
class RouteSuggestion:
    item: CatalogueItem | None
    unit: object | None  # orgs.Organisation
    co_units: list = field(default_factory=list)
    confidence: float = 0.0
    reason: str = ""
    rule_id: int | None = None

    @property
    def automatic(self) -> bool:
        return self.unit is not None and self.confidence >= auto_threshold()


def auto_threshold() -> float:
    return float(getattr(settings, "HOTLINE_AUTO_DISPATCH_CONFIDENCE", 0.8))


def _words(csv: str) -> list[str]:
    return [w.strip() for w in (csv or "").replace("，", ",").split(",") if w.strip()]


def suggest_item(description: str, *, ticket_type: str = "") -> tuple[CatalogueItem | None, float]:
    """The catalogue item whose keywords the description hits most (ties: none), with a confidence."""
    best, best_hits, tie = None, 0, False
    for item in CatalogueItem.objects.filter(active=True).only("id", "keywords", "allowed_types", "name"):
        if ticket_type and item.allowed_types and ticket_type not in item.allowed_types:
            continue
        hits = sum(1 for w in _words(item.keywords) if w in description)
        if hits > best_hits:
            best, best_hits, tie = item, hits, False
        elif hits and hits == best_hits:
            tie = True
    if best is None or tie:
        return None, 0.0
    return best, min(0.5 + 0.2 * best_hits, 0.95)


def rules_of(item_id: int) -> list[RoutingRule]:
    """The item's active rules with their units (per-process copy: catalogue_cache)."""
    from yiwang.hotline.catalogue_cache import cached

    return cached(("rules", item_id), lambda: list(
        RoutingRule.objects.filter(item_id=item_id, active=True).select_related("primary_unit").prefetch_related("co_units")))


def route(*, item: CatalogueItem | None, district=None, street=None, description: str = "") -> RouteSuggestion:
    if item is None:
        return RouteSuggestion(item=None, unit=None, reason="未确定派单目录事项")
    best: tuple[float, RoutingRule] | None = None
    for rule in rules_of(item.pk):
        if rule.street_id and (street is None or rule.street_id != street.pk):
            continue
        if rule.district_id and (district is None or rule.district_id != district.pk):
            continue
        words = _words(rule.keywords)
        if words and not any(w in description for w in words):
            continue
        base = STREET_MATCH if rule.street_id else DISTRICT_MATCH if rule.district_id else CITY_MATCH
        score = min(base + (KEYWORD_BONUS if words else 0.0), 0.99)
        if best is None or score > best[0]:
            best = (score, rule)
    if best is not None:
        score, rule = best
        where = "街道" if rule.street_id else "区县" if rule.district_id else "全市"
        return RouteSuggestion(item=item, unit=rule.primary_unit, co_units=list(rule.co_units.all()),
                               confidence=score, reason=f"派单规则（{where}）", rule_id=rule.pk)
    return RouteSuggestion(item=item, unit=item.primary_unit, co_units=list(item.co_units.all()),
                           confidence=ITEM_DEFAULT, reason="目录默认主办单位（无匹配规则）")
