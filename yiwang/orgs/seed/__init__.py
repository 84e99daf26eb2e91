"""Seed data for the organisation tree of Xi'an: divisions and organisations (docs/seed-data.md).

`xian_divisions` and `xian_organisations` are data; `loader` writes them (idempotently, keyed by
division code and organisation USCC). `manage.py load_xian` runs the loader before the catalog.
"""
