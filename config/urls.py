from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from commentary import desk
from commentary import views as commentary_views
from commentary.live.health import healthz
from matches import views as matches_views

# Fans' pages: Italian at /…, English at /en/… — one URL per language, so pages cache per URL and the
# language switch is a link (no form, no cookie).
urlpatterns = i18n_patterns(
    path("", matches_views.match_list, name="home"),
    path("matches/<id:pk>/", commentary_views.match_detail, name="match-detail"),
    path("matches/<id:pk>/embed/", commentary_views.match_embed, name="match-embed"),
    path("", include("matches.urls")),
    prefix_default_language=False,
) + [
    path("healthz", healthz, name="healthz"),
    path("", include("commentary.api_urls")),
    path("admin/desk/<id:pk>/", desk.desk, name="desk"),
    path("admin/desk/<id:pk>/publish/", desk.desk_publish, name="desk-publish"),
    path("admin/desk/<id:pk>/state/", desk.desk_state, name="desk-state"),
    path("admin/desk/<id:pk>/clock/", desk.desk_clock, name="desk-clock"),
    path("admin/desk/<id:pk>/stoppage/", desk.desk_stoppage, name="desk-stoppage"),
    path("admin/desk/<id:pk>/summary/", desk.desk_summary, name="desk-summary"),
    path("admin/desk/entries/<id:pk>/edit/", desk.entry_edit, name="desk-entry-edit"),
    path("admin/desk/entries/<id:pk>/delete/", desk.entry_remove, name="desk-entry-delete"),
    path("admin/desk/entries/<id:pk>/pin/", desk.entry_toggle_pin, name="desk-entry-pin"),
    path("admin/desk/entries/<id:pk>/overturn/", desk.entry_overturn, name="desk-entry-overturn"),
    path("admin/", admin.site.urls),
]
