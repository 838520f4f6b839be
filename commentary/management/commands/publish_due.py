from django.core.management.base import BaseCommand

from commentary.domain.services import drafts_catch_up


class Command(BaseCommand):
    help = (
        "Queue again the scheduled posts whose time has passed (a worker that stopped holding its task). "
        "Publishing is idempotent: run it before every `db_worker` start."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"{drafts_catch_up()} scheduled post(s) queued again")
