"""The editor's desk, under /admin/desk/ (config/urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("<id:pk>/", views.desk, name="desk"),
    path("<id:pk>/publish/", views.desk_publish, name="desk-publish"),
    path("<id:pk>/draft/", views.desk_draft, name="desk-draft"),
    path("<id:pk>/propose/", views.desk_draft, {"propose": True}, name="desk-propose"),
    path("<id:pk>/drafts/", views.desk_drafts, name="desk-drafts"),
    path("<id:pk>/stats/", views.desk_stat, name="desk-stat"),
    path("<id:pk>/stats/undo/", views.desk_stat_undo, name="desk-stat-undo"),
    path("<id:pk>/marks/", views.desk_marks, name="desk-marks"),
    path("<id:pk>/letters/", views.desk_letters, name="desk-letters"),
    path("letters/<id:pk>/quote/", views.letter_quote, name="desk-letter-quote"),
    path("letters/<id:pk>/dismiss/", views.letter_dismiss, name="desk-letter-dismiss"),
    path("drafts/<id:pk>/publish/", views.draft_publish, name="desk-draft-publish"),
    path("drafts/<id:pk>/propose/", views.draft_propose, name="desk-draft-propose"),
    path("drafts/<id:pk>/schedule/", views.draft_schedule, name="desk-draft-schedule"),
    path("drafts/<id:pk>/discard/", views.draft_discard, name="desk-draft-discard"),
    path("<id:pk>/state/", views.desk_state, name="desk-state"),
    path("<id:pk>/clock/", views.desk_clock, name="desk-clock"),
    path("<id:pk>/stoppage/", views.desk_stoppage, name="desk-stoppage"),
    path("<id:pk>/summary/", views.desk_summary, name="desk-summary"),
    path("<id:pk>/tabellino/", views.desk_tabellino, name="desk-tabellino"),
    path("entries/<id:pk>/edit/", views.entry_edit, name="desk-entry-edit"),
    path("entries/<id:pk>/delete/", views.entry_remove, name="desk-entry-delete"),
    path("entries/<id:pk>/restore/", views.entry_restore, name="desk-entry-restore"),
    path("entries/<id:pk>/pin/", views.entry_toggle_pin, name="desk-entry-pin"),
    path("entries/<id:pk>/overturn/", views.entry_overturn, name="desk-entry-overturn"),
]
