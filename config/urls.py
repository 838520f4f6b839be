from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from commentary.live.health import healthz
from commentary.public import rounds
from commentary.public import views as commentary_views


@require_safe
@cache_control(public=True, max_age=86400)
def favicon(request):
    """Browsers, feed readers and crawlers ask for /favicon.ico whatever the page says: the site's icon."""
    return redirect(static("img/favicon.svg"))


# Fans' pages: Italian at /…, English at /en/… — one URL per language, so pages cache per URL and the
# language switch is a link (no form, no cookie).
urlpatterns = i18n_patterns(
    path("", rounds.home, name="home"),
    path("competitions/<id:pk>/matchdays/<id:number>/", rounds.round_detail, name="matchday-detail"),
    path(
        "competitions/<id:pk>/matchdays/<id:number>/replay/",
        rounds.round_detail,
        {"replay": True},
        name="matchday-replay",
    ),
    path("matches/<id:pk>/", commentary_views.match_detail, name="match-detail"),
    path("matches/<id:pk>/embed/", commentary_views.match_embed, name="match-embed"),
    path("", include("matches.urls")),
    prefix_default_language=False,
) + [
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
    path("", include("commentary.urls")),
    path("admin/desk/", include("commentary.desk.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "config.errors.permission_denied"
