"""The read-only JSON API (django-ninja): matches, their entries, standings, and its OpenAPI document.

The data is public: no authentication, any origin may read it (CORS `*`), and nothing can be written (GET
and HEAD only, anything else is 405). The shapes are the pydantic schemas in `commentary.api.schemas`: they
serialise the responses and /api/openapi.json is generated from them, so the two cannot disagree. Errors are
`{"error": "…"}`: a bad query value is a 400, an unknown id (or any other URL under /api/) a 404.
"""

from collections.abc import Callable
from functools import wraps

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import URLPattern, path, re_path
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import ValidationError

from .views import router

ALLOWED_METHODS = ("GET", "HEAD")

api = NinjaAPI(
    title="Diretta",
    version="1",
    description=(
        "Live football commentary: matches, live blogs and tables, read-only. Public and without "
        "authentication; any origin may read it (`Access-Control-Allow-Origin: *`). Labels (`*_label`) are "
        'in Italian. Times are ISO 8601 with the offset of Europe/Rome. Errors are `{"error": "…"}`. '
        "The Atom feeds are at /matches/{id}/feed/ and /competitions/{id}/feed/ (docs/PROTOCOL.md)."
    ),
    urls_namespace="api",
    # The interactive page loads its scripts from a CDN, which the site's CSP (script-src 'self') refuses.
    docs_url=None,
)
api.add_router("/", router)


def _error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status, json_dumps_params={"ensure_ascii": False})


@api.exception_handler(ValidationError)
def bad_parameter(request: HttpRequest, error: ValidationError) -> HttpResponse:
    messages = []
    for detail in error.errors:
        where = ".".join(str(part) for part in detail.get("loc", ())[1:])
        message = detail["msg"] if detail.get("type") == "parameter" else f"{where}: {detail['msg']}"
        if message not in messages:
            messages.append(message)
    return _error(" ".join(messages), 400)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, error: Http404) -> HttpResponse:
    return _error(_("Non trovato."), 404)


def gate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """In front of every URL of the API: GET/HEAD only, readable from any origin."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method not in ALLOWED_METHODS:
            response = _error(_("Metodo non consentito: l'API è in sola lettura."), 405)
            response["Allow"] = ", ".join(ALLOWED_METHODS)
        else:
            response = view(request, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        return response

    # Nothing here writes: a POST must meet a 405, not a request for a CSRF token.
    return csrf_exempt(wrapper)


@gate
def unknown(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    """Any other URL under /api/, an id the path converter refuses (19 digits and more) among them."""
    return not_found(request, Http404())


def urlpatterns() -> list:
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = gate(pattern.callback)
    return [
        path("api/", unknown),  # before ninja's placeholder for the API's root, which is an HTML 404
        path("api/", (patterns, app_name, namespace)),
        re_path(r"^api/", unknown),
    ]
