"""`GET /healthz`: what a load balancer or an orchestrator asks a server process before sending it fans."""

from asgiref.sync import sync_to_async
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.http import require_safe

from .hub import hub


def _database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        return False


@require_safe
async def healthz(request):
    """200 with the process's audience when its database answers; 503 otherwise (take it out of rotation).
    Async: a busy process answers without waiting for a worker thread, except for the one query."""
    database = await sync_to_async(_database_answers)()
    body = {
        "database": database,
        "matches": len(hub.streams),
        "fans": sum(len(stream.fans) for stream in hub.streams.values()),
    }
    response = JsonResponse(body, status=200 if database else 503)
    response["Cache-Control"] = "no-store"
    return response
