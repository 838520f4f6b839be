"""Request bodies are bounded before they are read, not after.

Django's ASGI handler reads a request's whole body before it looks at the URL, so three 500 MB POSTs to
any URL held 1.5 GB (issue "Trust", measured). Here a declared length over the limit is refused at once,
and a body that grows past it while it streams in (chunked, or a lying Content-Length) stops being read:
413 either way, and Django never sees it. The production recipe bounds it at the proxy too (docs/DEPLOY.md).
"""

import re

from django.conf import settings

UPLOADS = re.compile(r"^/admin/desk/[0-9]{1,19}/publish/$")  # the desk's composer may carry a picture

TOO_LARGE = (
    b"Richiesta troppo grande: il limite \xc3\xa8 %d byte. / Request too large: the limit is %d bytes.\n"
)


class BodyLimit:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        limit = settings.DIRETTA_MAX_REQUEST_BODY
        if UPLOADS.match(scope.get("path", "")):
            limit = settings.DIRETTA_MAX_UPLOAD_BODY
        declared = next((v for k, v in scope.get("headers", ()) if k == b"content-length"), b"")
        if declared.isdigit() and int(declared) > limit:
            return await self._refuse(send, limit)
        received = 0
        over = False

        async def bounded_receive():
            nonlocal received, over
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    over = True
                    return {"type": "http.disconnect"}  # Django stops reading and answers nothing
            return message

        await self.app(scope, bounded_receive, send)
        if over:
            await self._refuse(send, limit)

    @staticmethod
    async def _refuse(send, limit: int):
        body = TOO_LARGE % (limit, limit)
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"text/plain; charset=utf-8"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
