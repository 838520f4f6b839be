"""The websocket side of the ASGI application: /ws/matches/<id>/ and /ws/ticker/, from an allowed origin.

Matched here rather than by Channels' URLRouter and OriginValidator middleware: the router copies the scope
for every socket and each layer keeps a coroutine frame alive for the socket's whole life; at 10,000 fans
that is memory held for nothing (docs/PERFORMANCE.md). The origin rule is still Channels' own
(AllowedHostsOriginValidator: the Origin's host must be in ALLOWED_HOSTS).
"""

import re
from urllib.parse import urlparse

from channels.security.websocket import AllowedHostsOriginValidator

from .fans import fan_socket, ticker_socket

FAN_PATH = re.compile(r"^/ws/matches/(?P<match_id>[0-9]{1,19})/$")
TICKER_PATH = "/ws/ticker/"
_origins = AllowedHostsOriginValidator(None)


def _allowed(scope) -> bool:
    for name, value in scope.get("headers", ()):
        if name == b"origin":
            try:
                return _origins.valid_origin(urlparse(value.decode("latin1")))
            except (UnicodeDecodeError, ValueError):
                return False
    return _origins.valid_origin(None)


def websocket_application(scope, receive, send):
    """The awaitable for one socket: the fan's own coroutine, not one wrapped around it (a frame per fan)."""
    if not _allowed(scope):
        return _refuse(receive, send)
    if scope["path"] == TICKER_PATH:
        return ticker_socket(scope, receive, send)
    found = FAN_PATH.match(scope["path"])
    if found is None:
        return _refuse(receive, send)
    return fan_socket(scope, receive, send, match_id=int(found["match_id"]))


async def _refuse(receive, send):
    await receive()  # the connect event
    await send({"type": "websocket.close"})  # before accepting: the handshake is refused (HTTP 403)
