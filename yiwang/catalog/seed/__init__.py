"""Seed data of the Xi'an catalog and its loader (docs/seed-data.md).

Data (no database access):
- `xian_bundles.json` — the 31 bundles of seed 003's annex tables and the 4 Yanta bundles of
  seed 002, checked against the seed text (differences corrected, listed under `differences` and per
  bundle), each member with the `item_key` of the catalog item that implements it;
- `guides.json` — facts of 29 high-frequency items from official guides (copied from the shared
  data, unchanged);
- `items_*.py` (see `catalog.ITEM_MODULES`) — one spec per implementation, written as a guide reads;
  `standard.py` — the shared vocabulary (licence type codes, standard materials, themes);
- `data_elements.py` (the data-element dictionary), `life_tree.py` (stages, themes, events).

`catalog.py` expands the specs (templates for FAQs, processes, forms, material notes) and answers
questions about them without a database: `item_specs()`, `implementation_code_for(key)`,
`bundles()`, `resolve_item_key(...)`. `result_samples.py` renders the result-sample PDFs.
`loader.py` writes everything; `manage.py load_xian` runs it.
"""
