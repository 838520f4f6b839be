import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup(set_prefix=False)

from config.handlers import OneHopASGIHandler  # noqa: E402
from config.limits import BodyLimit  # noqa: E402

django_asgi_app = BodyLimit(OneHopASGIHandler())

from commentary.live.routing import websocket_application  # noqa: E402
from config.runtime import tune_gc  # noqa: E402


async def application(scope, receive, send):
    """Pages, the admin and the API are Django's; fans' sockets go straight to the live hub."""
    if scope["type"] == "websocket":
        return await websocket_application(scope, receive, send)
    if scope["type"] == "http":
        return await django_asgi_app(scope, receive, send)
    raise ValueError(f"Diretta serves http and websocket, not {scope['type']!r}")


tune_gc()  # last: everything loaded by now lives as long as the process
