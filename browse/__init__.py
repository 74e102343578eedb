"""The web UI: a datasette plugin (routes, templates, static files) over the archive database.

`portal-archive browse` starts datasette with this plugin and `metadata.yml`; `datasette ARCHIVE/archive.db` finds the
plugin too, through its `datasette` entry point.
"""

from __future__ import annotations

from datasette import hookimpl

from browse import render


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
