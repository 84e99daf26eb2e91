"""The life of a bundle version: the catalog's transition table (catalog/lifecycle.py), reused
as it is — a bundle is defined, reviewed and published exactly like a guide:

    draft ──submit──▶ submitted ──approve──▶ approved ──publish──▶ published ──supersede──▶ superseded
                          │ ▲ return / submit
                          ▼ │
                        returned
"""

from yiwang.catalog.lifecycle import TRANSITIONS, allowed_actions, can, next_status  # noqa: F401
