"""Public pages of the football world: competitions, matchdays, teams, search."""

from django.urls import path

from . import views

urlpatterns = [
    path("competitions/", views.competition_list, name="competition-list"),
    path("competitions/<id:pk>/", views.competition_detail, name="competition-detail"),
    path("teams/<id:pk>/", views.team_detail, name="team-detail"),
    path("search/", views.search, name="search"),
]
