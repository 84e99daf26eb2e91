from django.core.management.base import BaseCommand, CommandError

from yiwang.core.audit import seal_events, verify_audit


class Command(BaseCommand):
    help = "Verify every audit event's hash and every sealed block's hash chain; report the first broken one."

    def add_arguments(self, parser):
        parser.add_argument("--seal-first", action="store_true", help="seal pending events before verifying")

    def handle(self, *args, seal_first=False, **options):
        if seal_first:
            seal_events()
        events, blocks, problem = verify_audit()
        if problem:
            raise CommandError(f"{problem.kind} #{problem.object_id}: {problem.message}")
        self.stdout.write(self.style.SUCCESS(f"audit trail intact: {events} events, {blocks} blocks"))
