from django.shortcuts import render
from django.utils.translation import gettext as _

from .models import Match


def match_list(request):
    matches = Match.objects.with_teams()
    groups = [
        (_("In diretta"), "live", list(matches.live().order_by("kickoff"))),
        (_("In programma"), "upcoming", list(matches.upcoming().order_by("kickoff")[:30])),
        (_("Concluse"), "finished", list(matches.finished().order_by("-kickoff")[:30])),
    ]
    return render(request, "matches/match_list.html", {"groups": groups})
