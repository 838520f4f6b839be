"""The read-only JSON API and the Atom feeds."""

urlpatterns: list = []
