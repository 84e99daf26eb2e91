"""The abstract base of every table. Kept out of core/models.py so that other apps build on it
without importing core's own tables (the own-tables import contract, docs/architecture.md)."""

from django.db import models
from django.utils import timezone


class BaseModel(models.Model):
    """Every table has a creation and an update time; ids are 64-bit."""

    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
