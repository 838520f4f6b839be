import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from commentary.live.routing import websocket_urlpatterns  # noqa: E402
from config.runtime import tune_gc  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        # Fans only listen: no session or user on their sockets, only the origin check.
        "websocket": AllowedHostsOriginValidator(URLRouter(websocket_urlpatterns)),
    }
)

tune_gc()  # last: everything loaded by now lives as long as the process
