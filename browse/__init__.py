"""The web UI: a datasette plugin (routes, templates, static files) over the archive database.

`portal-archive browse` starts datasette with this plugin and `metadata.yml`; `datasette ARCHIVE/archive.db` finds the
plugin too, through its `datasette` entry point.
"""

from __future__ import annotations

from datasette import hookimpl

from browse import limits, render

PLUGIN = "portal-archive"  # the plugin's configuration: metadata `plugins: {portal-archive: {...}}` (browse.app)


def option(datasette, name: str, default=None):
    """One of the plugin's options (`public_url`, `debug_endpoints`), as `browse.app.make_datasette` set it."""
    return (datasette.plugin_config(PLUGIN) or {}).get(name, default)


@hookimpl
def prepare_connection(conn, database, datasette):
    limits.guard(conn)


@hookimpl
def asgi_wrapper(datasette):
    # imported here, not at the top: browse.gate and browse.errors import datasette modules that load the plugins,
    # which would find this package half-initialised and register it without its hooks
    from browse.gate import Gate

    debug_endpoints = bool(option(datasette, "debug_endpoints", False))
    return lambda app: Gate(app, debug_endpoints=debug_endpoints)


@hookimpl
def handle_exception(datasette, request, exception):
    from browse import errors

    return errors.handle_exception(datasette, request, exception)


@hookimpl
def register_routes(datasette):
    from browse.views import routes

    return routes()


@hookimpl
def prepare_jinja2_environment(env, datasette):
    env.filters["vn_date"] = render.vn_date
    env.filters["vn_datetime"] = render.vn_datetime
    env.filters["utc"] = render.utc_iso
    env.filters["media_url"] = render.media_url
    env.globals["published"] = render.published


@hookimpl
def menu_links(datasette, actor, request):
    return [{"href": "/", "label": "Lưu trữ: trang chủ"}, {"href": "/search", "label": "Tìm kiếm"}]
