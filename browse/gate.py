"""What reaches datasette at all: only reads, and datasette's introspection pages only when asked for."""

from __future__ import annotations

from datasette.utils.asgi import asgi_send

READS = frozenset({"GET", "HEAD"})
# Under /-/ the UI needs its static files and the replay of captures; everything else there is datasette's
# introspection (versions, settings, plugins, databases, threads, actor, metadata, permissions, messages…), which
# shows absolute paths, the Python installation and the configuration.
UI_PREFIXES = ("/-/static/", "/-/static-plugins/", "/-/browse-static/", "/-/replay/")


class Gate:
    """ASGI middleware: a read-only UI answers GET and HEAD only (405 otherwise); /-/ introspection is 404 unless
    `debug_endpoints`."""

    def __init__(self, app, debug_endpoints: bool = False):
        self.app = app
        self.debug_endpoints = debug_endpoints

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if scope["method"] not in READS:
            return await asgi_send(send, "This archive is read-only: only GET and HEAD requests are answered.\n",
                                   405, headers={"Allow": "GET, HEAD"}, content_type="text/plain; charset=utf-8")
        # datasette routes on the raw path, uvicorn decodes `path`: neither may name an introspection page
        paths = (scope.get("path", ""), (scope.get("raw_path") or b"").decode("latin-1"))
        if not self.debug_endpoints and any(p.startswith("/-/") and not p.startswith(UI_PREFIXES) for p in paths):
            return await asgi_send(send, "Not found.\n", 404, content_type="text/plain; charset=utf-8")
        return await self.app(scope, receive, send)
