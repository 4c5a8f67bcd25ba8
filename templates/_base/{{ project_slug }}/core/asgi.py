"""Django's HTTP handling under an ASGI server (Daphne, Uvicorn), its middleware run as under WSGI.

Django's own ``ASGIHandler`` runs a chain of synchronous middleware in a worker thread, but ends the chain
with an asynchronous step and wraps each ``process_view`` (CSRF's…) in a coroutine: a request to a
synchronous view passed between the event loop and its worker thread several times, each pass a handoff
through the loop. Every middleware here is synchronous (Django's own run either way), so this handler loads
the chain as Django does under WSGI and runs all of it in the request's worker thread: one pass there and
back. An asynchronous view (``/healthz/``) is run from that thread, as under WSGI.
"""

import django
from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler


class ThreadedMiddlewareHandler(ASGIHandler):
    """``ASGIHandler`` with the middleware chain loaded synchronously and run in one worker thread."""

    def load_middleware(self, is_async: bool = False) -> None:
        super().load_middleware(is_async=False)
        self._middleware_chain = sync_to_async(self._middleware_chain, thread_sensitive=True)


def get_asgi_application() -> ASGIHandler:
    """What ``django.core.asgi.get_asgi_application`` gives, with ``ThreadedMiddlewareHandler``."""
    django.setup(set_prefix=False)
    return ThreadedMiddlewareHandler()
