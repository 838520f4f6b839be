"""The read-only JSON API and the Atom feeds (at the site's root: one URL whatever the reader's language)."""

from django.urls import path

from . import api, feeds

urlpatterns = [
    path("matches/<id:pk>/feed/", feeds.MatchFeed(), name="match-feed"),
    path("competitions/<id:pk>/feed/", feeds.CompetitionResultsFeed(), name="competition-feed"),
    *api.urlpatterns(),
]
