from django.core.management.base import BaseCommand, CommandError

from yiwang.core.audit import anchor_from, configured_anchor, seal_events, verify_audit


class Command(BaseCommand):
    help = ("Verify every audit event's keyed hash, every writer's gap-free numbering and every sealed block's "
            "hash chain; with --anchor, also the blocks against the external anchor. Reports the first problem.")

    def add_arguments(self, parser):
        parser.add_argument("--seal-first", action="store_true", help="seal pending events before verifying")
        parser.add_argument("--anchor", nargs="?", const="", default=None, metavar="SPEC",
                            help="check against the anchor (file:/path or redis://…; without a value: YIWANG_AUDIT_ANCHOR)")

    def handle(self, *args, seal_first=False, anchor=None, **options):
        if seal_first:
            seal_events()
        store = None
        if anchor is not None:
            store = anchor_from(anchor) if anchor else configured_anchor()
            if store is None:
                raise CommandError("no anchor configured: pass --anchor file:/path or set YIWANG_AUDIT_ANCHOR")
        events, blocks, problem = verify_audit(anchor=store)
        if problem:
            raise CommandError(f"{problem.kind} #{problem.object_id}: {problem.message}")
        against = " against the anchor" if store is not None else ""
        self.stdout.write(self.style.SUCCESS(f"audit trail intact{against}: {events} events, {blocks} blocks"))
