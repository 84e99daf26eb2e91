"""Handlers of the catalog's hooks (registered in apps.py). The catalog may not import bundles, so
it asks through named hooks:

- `catalog.life_event_links(event)`: the life-event page lists the event's separate items; when a
  bundle does the whole event at once, the page links to it.
- `catalog.xian_seed_loaded()`: `manage.py load_xian` runs this app's seed step in its own
  transaction — the bundles of seed 003 and seed 002 are real catalog data, not demo data.
"""

from __future__ import annotations

from django.urls import reverse


def life_event_links(*, event) -> list[dict]:
    from yiwang.bundles.selectors import bundles_for_life_event

    return [{"url": reverse("bundles:guide", args=[v.bundle_id]), "title": f"{v.name}“一件事”一次办",
             "text": "一张表单、一套材料、一次提交，各部门并联办理。"} for v in bundles_for_life_event(event.pk)]


def load_xian_bundles() -> dict[str, int]:
    from yiwang.bundles.seed.loader import load_bundles

    return {"一件事": load_bundles()}
