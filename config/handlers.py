"""Django's ASGI handler, with the middleware chain and the view run in one hop to a worker thread.

Django's own ASGI handler runs an async middleware chain: each built-in middleware then calls its
`process_request` / `process_response` through `sync_to_async`, so one admin POST crosses between the event
loop and its worker thread about twenty times. In a process that is writing to thousands of sockets each
crossing waits for a turn of the loop and for the interpreter lock, and the editor's publish waited
100–200 ms behind the very fan-out it caused (docs/PERFORMANCE.md). Here the chain is built for sync and run
whole in the request's thread: one crossing in, one out. Async views still work (Django adapts them inside
the chain); they are not the hot path.

And the updates a request published are handed to this process's own fans only once its response has been
written (`commentary.live.doorbell.after_response`): the editor's publish returns before the fan-out starts.
Other processes are rung at commit, as always.
"""

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler

from commentary.live.doorbell import after_response


class OneHopASGIHandler(ASGIHandler):
    def load_middleware(self, is_async=False):
        super().load_middleware(is_async=False)

    async def get_response_async(self, request):
        return await sync_to_async(self.get_response, thread_sensitive=True)(request)

    async def handle(self, scope, receive, send):
        token = after_response.set([])
        try:
            await super().handle(scope, receive, send)
        finally:
            self._flush()
            after_response.reset(token)

    async def send_response(self, response, send):
        try:
            await super().send_response(response, send)
        finally:
            self._flush()

    @staticmethod
    def _flush():
        pending = after_response.get()
        while pending:
            pending.pop(0)()
