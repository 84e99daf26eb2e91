"""The Xi'an bundles: the three annex tables of seed 003 (市政办函〔2024〕60号: 13 key bundles of the
first batch, 8 of the second, 10 themed scenes) and the four 雁塔区 services of seed 002, 35 in all,
written down in this project (it never reads ../shared). `spec.py` has the helpers, the data
modules hold the bundles, `loader.py` writes them (run by `manage.py load_xian` through the
catalog's `catalog.xian_seed_loaded` hook). Differences from the shared transcription are in
docs/seed-data.md.
"""
