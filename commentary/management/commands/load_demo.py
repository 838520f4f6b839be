import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

from commentary.demo.loader import demo_load

DEMO_EDITOR = "redazione"


class Command(BaseCommand):
    help = "Load the demo match (Milan–Atalanta 1–1, 25 Feb 2024) and a demo editor account. Idempotent."

    def handle(self, *args, **options):
        User = get_user_model()
        editor = User.objects.filter(username=DEMO_EDITOR).first()
        if editor is None:
            password = secrets.token_urlsafe(12)
            editor = User.objects.create_user(
                DEMO_EDITOR, password=password, is_staff=True, first_name="Redazione", last_name="Diretta"
            )
            editor.groups.add(Group.objects.get(name="Editors"))
            self.stdout.write(
                self.style.WARNING(
                    f"Demo editor created — user: {DEMO_EDITOR}  password: {password}  (shown only this once)"
                )
            )
        match = demo_load(author=editor)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo match ready: {match} {match.home_score}–{match.away_score}, /matches/{match.pk}/"
            )
        )
