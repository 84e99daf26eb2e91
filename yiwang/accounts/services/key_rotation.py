"""Key rotation: recompute the blind indexes of every account (docs/accounts.md)."""

from __future__ import annotations

from django.db import transaction

from yiwang.accounts.models import User


def identifiers_reindex(*, batch: int = 500) -> int:
    """Recompute every blind index from the decrypted values — after the blind-index key has been
    rotated (docs/accounts.md). Returns the number of accounts rewritten."""
    done = 0
    last = 0
    while True:
        users = list(User.objects.filter(pk__gt=last).order_by("pk")[:batch])
        if not users:
            return done
        with transaction.atomic():
            for user in users:
                # User.save derives the three *_index columns from the plaintext it decrypted.
                user.save(update_fields=["id_number", "phone", "legal_rep_id_number"])
        done += len(users)
        last = users[-1].pk

