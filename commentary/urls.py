"""The read-only JSON API and the Atom feeds (at the site's root: one URL whatever the reader's language)."""

from django.urls import path
from django.views.decorators.http import require_safe

from . import api
from .public import feeds

urlpatterns = [
    # A feed is read, never written: GET and HEAD only (TRACE and the rest are 405).
    path("matches/<id:pk>/feed/", require_safe(feeds.MatchFeed()), name="match-feed"),
    path("competitions/<id:pk>/feed/", require_safe(feeds.CompetitionResultsFeed()), name="competition-feed"),
    *api.urlpatterns(),
]
