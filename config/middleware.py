import logging

from django.db import DatabaseError
from django.http import HttpResponse
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


class DatabaseUnavailableMiddleware:
    """A lost database answers 503 with a clear sentence instead of a server error page.

    Every write is one transaction, so nothing was half-written; the desk keeps what the editor typed and says
    so (static/js/desk.js), and the editor publishes again once the database is back.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DatabaseError):
            return None
        logger.error("database unavailable: %s", exception)
        message = _("Il database non risponde: non è stato salvato nulla. Riprova tra poco.")
        response = HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = "5"
        return response
