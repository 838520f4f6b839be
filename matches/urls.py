"""Public pages of the football world: competitions, matchdays, teams, search."""

urlpatterns: list = []
