import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.utils.deprecation import MiddlewareMixin
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


class DatabaseUnavailableMiddleware(MiddlewareMixin):
    """A lost database answers 503 with a clear sentence instead of a server error page.

    Every write is one transaction, so nothing was half-written; the desk keeps what the editor typed and says
    so (static/js/desk.js), and the editor publishes again once the database is back. Only a lost or refused
    connection is that: an IntegrityError or a ProgrammingError is a bug and stays a 500 with its traceback.
    Sync and async (MiddlewareMixin): under an ASGI server it costs no thread hop.
    """

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error("database unavailable: %s", exception)
        message = _("Il database non risponde: non è stato salvato nulla. Riprova tra poco.")
        response = HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = "5"
        return response
