"""The read-only JSON API and the Atom feeds (at the site's root: one URL whatever the reader's language)."""

from django.urls import path

from . import api, feeds

urlpatterns = [
    path("matches/<id:pk>/feed/", feeds.MatchFeed(), name="match-feed"),
    path("competitions/<id:pk>/feed/", feeds.CompetitionResultsFeed(), name="competition-feed"),
    path("api/matches/", api.match_list, name="api-match-list"),
    path("api/matches/<id:pk>/", api.match_detail, name="api-match-detail"),
    path("api/matches/<id:pk>/entries/", api.match_entries, name="api-match-entries"),
    path("api/competitions/<id:pk>/standings/", api.competition_standings, name="api-competition-standings"),
    path("api/openapi.json", api.openapi, name="api-openapi"),
]
