from django.core.management.base import BaseCommand, CommandError

from commentary.demo.loader import demo_load
from commentary.demo.replay import replay_run, replay_start
from matches.models import Match


class Command(BaseCommand):
    help = "Play a finished match again as a new live match, in match time divided by --speed."

    def add_arguments(self, parser):
        parser.add_argument("match", help="id of the match to replay, or 'demo' for the demo match")
        parser.add_argument("--speed", type=float, default=1.0, help="how many times faster than real time")
        parser.add_argument(
            "--replace", action="store_true", help="first delete earlier replays of the same match"
        )

    def handle(self, *args, match, speed, replace, **options):
        if speed <= 0:
            raise CommandError("--speed must be positive")
        if match == "demo":
            source = demo_load()
        else:
            try:
                source = Match.objects.get(pk=int(match))
            except (ValueError, Match.DoesNotExist):
                raise CommandError(f"no match with id {match!r}") from None
        if source.status != Match.Status.FINISHED:
            raise CommandError(f"{source} is not finished: only a finished match can be replayed")
        if replace:
            source.replays.all().delete()
        live, entries = replay_start(source=source, speed=speed)
        self.stdout.write(
            self.style.SUCCESS(f"Replaying {source} as match {live.pk} at {speed:g}×: /matches/{live.pk}/")
        )
        try:
            replay_run(
                match=live,
                entries=entries,
                speed=speed,
                on_entry=lambda e: self.stdout.write(f"  {e.minute_label or '  '} {e.get_kind_display()}"),
            )
        except KeyboardInterrupt:
            self.stdout.write("replay stopped")
            return
        self.stdout.write(self.style.SUCCESS(f"Replay of {source} finished."))
