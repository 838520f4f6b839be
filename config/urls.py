from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from django.views.static import serve

from commentary.live.health import healthz
from commentary.public import rounds
from commentary.public import views as commentary_views
from commentary.public.cards import score_card


@require_safe
@cache_control(public=True, max_age=86400)
def favicon(request):
    """Browsers, feed readers and crawlers ask for /favicon.ico whatever the page says: the site's icon."""
    return redirect(static("img/favicon.svg"))


@require_safe
@cache_control(public=True, max_age=31536000, immutable=True)
def media(request, path):
    """The pictures' files (a stored name never changes: cached for a year). In production the proxy or the
    object store serves them (docs/DEPLOY.md); this is what `make run` and a single host use."""
    return serve(request, path, document_root=settings.MEDIA_ROOT)


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
    path("matches/<id:pk>/relive/", commentary_views.match_relive, name="match-relive"),
    path("matches/<id:pk>/ratings/<id:player_pk>/vote/", commentary_views.vote, name="match-vote"),
    path("matches/<id:pk>/messages/", commentary_views.reader_message, name="match-message"),
    path("polls/<id:pk>/vote/", commentary_views.poll_vote, name="poll-vote"),
    path("", include("matches.urls")),
    prefix_default_language=False,
) + [
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
    path("matches/<id:pk>/card.png", score_card, name="match-card-image"),
    path("media/<path:path>", media, name="media"),
    path("", include("commentary.urls")),
    path("admin/desk/", include("commentary.desk.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "config.errors.permission_denied"
