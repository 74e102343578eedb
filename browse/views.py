"""The web UI's pages: home, search, article (with versions, diffs and captures), as captured, removed, changed, feed.

Each view reads the archive through datasette's read-only connection to `archive.db` and renders a template of
`browse/templates`. The archive directory is the database's folder: the WARC files and media are read from there.
"""

from __future__ import annotations

import asyncio
import re
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import quote, urlencode
from uuid import NAMESPACE_URL, uuid5

import lxml.html
from datasette.utils import sqlite_timelimit
from datasette.utils.asgi import Response
from sqlite_utils import Database

from archive.replay import captures as capture_store
from archive.db.diff import changes, find_article
from archive.replay.headers import SECURITY_HEADERS
from archive.replay.rewrite import render
from archive.replay.urls import REPLAY_PREFIX
from archive.db.search import Filters, search_page
from archive.text import safe_filename
from archive.urls import identity_key
from browse import option, queries, render as ui

DATABASE = "archive"
PAGE_SIZE = 20
LAST_PAGE = 100_000  # two million results: further is a mistyped or forged address
LARGEST_ID = 2**63 - 1  # SQLite's integers
MARKS = ("\x02", "\x03")
UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
DIGEST = re.compile(r"[0-9a-f]{64}")
# Our own pages: no script at all, images and frames only from this server, nothing archived can post or navigate out.
PAGE_CSP = ("default-src 'self'; script-src 'none'; object-src 'none'; base-uri 'none'; form-action 'self'; "
            "img-src 'self' data:; style-src 'self'; frame-src 'self'; connect-src 'none'; frame-ancestors 'self'")
SAFE_HEADERS = {"Content-Security-Policy": PAGE_CSP, "X-Content-Type-Options": "nosniff",
                "Referrer-Policy": "no-referrer"}
# Media types a browser may show inline from the archive; anything else is offered as a download.
INLINE_MEDIA = {"image/jpeg", "image/png", "image/gif", "image/webp", "image/bmp", "application/pdf"}


def routes() -> list[tuple[str, object]]:
    return [
        (r"^/$", home),
        (r"^/search$", search),
        (r"^/articles/(?P<id>\d+)$", article),
        (r"^/articles/(?P<id>\d+)/diff$", diff),
        (r"^/articles/(?P<id>\d+)/as-of$", as_of),
        (r"^/captures/(?P<uuid>" + UUID + ")$", capture_page),
        (r"^/changed$", changed),
        (r"^/removed$", removed),
        (r"^/feed\.atom$", feed),
        (r"^/media/(?P<digest>[0-9a-f]{64})$", media),
        (r"^" + REPLAY_PREFIX + r"/record/(?P<uuid>" + UUID + ")$", replay_record),
        (r"^" + REPLAY_PREFIX + r"/(?P<timestamp>\d{14})/(?P<url>.+)$", replay),
        (r"^/-/browse-static/(?P<path>[a-z0-9_-]+\.(?:css|svg|png))$", static),
    ]


# -- plumbing -------------------------------------------------------------------------------------------------------

async def read(datasette, fn, *args):
    """Run fn(Database, *args) on a read-only connection, off the event loop, within datasette's SQL time limit
    (past it SQLite stops the query: browse.errors answers 503)."""
    def run(conn):
        with sqlite_timelimit(conn, datasette.setting("sql_time_limit_ms")):
            return fn(Database(conn), *args)

    return await datasette.get_database(DATABASE).execute_fn(run)


def article_id(request) -> int | None:
    """The article id in the address, or None when no article can have it."""
    text = request.url_vars["id"]
    return int(text) if len(text) < 20 and int(text) <= LARGEST_ID else None  # 5,000 digits: int() would refuse


def archive_dir(datasette) -> Path:
    return Path(datasette.get_database(DATABASE).path).parent


async def page(datasette, request, template: str, context: dict, status: int = 200) -> Response:
    html = await datasette.render_template(template, context, request=request)
    return Response.html(html, status=status, headers=dict(SAFE_HEADERS))


async def not_found(datasette, request, message: str) -> Response:
    return await page(datasette, request, "browse_message.html", {"title": "Không tìm thấy", "message": message}, 404)


def uuid_of(record_id: str | None) -> str:
    return (record_id or "").removeprefix("<urn:uuid:").removesuffix(">")


def record_of(uuid: str) -> str:
    return f"<urn:uuid:{uuid.lower()}>"


# -- pages ----------------------------------------------------------------------------------------------------------

async def home(datasette, request):
    summary = await read(datasette, queries.overview)
    return await page(datasette, request, "browse_home.html", {"o": summary})


async def search(datasette, request):
    args = request.args
    query = args.get("q", "").strip()
    filters = Filters(category=args.get("category", ""), year=args.get("year", ""),
                      date_from=args.get("from", ""), date_to=args.get("to", ""))
    number, found, error = _page_number(args.get("page", "1")), None, ""
    if number is None:
        error = f"not a page number (1 to {LAST_PAGE}): {args.get('page')!r}"
    else:
        try:
            found = await read(datasette, lambda db: search_page(db, query, filters, PAGE_SIZE,
                                                                 (number - 1) * PAGE_SIZE, marks=MARKS))
        except ValueError as e:
            error = str(e)
    if request.args.get("_format") == "json" and error:
        return Response.json({"query": query, "error": error}, status=400)
    if request.args.get("_format") == "json" and found is not None:
        return Response.json({"query": query, "total": found.total, "results": [
            {"id": r.article_id, "title": r.title, "published": r.published, "category": r.category_path,
             "url": r.canonical_url, "snippet": r.snippet.replace(MARKS[0], "[").replace(MARKS[1], "]")}
            for r in found.results]})

    def link(**changes) -> str:
        params = {"q": query, "category": filters.category, "year": filters.year, "from": filters.date_from,
                  "to": filters.date_to}
        params.update(changes)
        return "/search?" + urlencode({k: v for k, v in params.items() if v})

    pages = 0 if found is None else (found.total + PAGE_SIZE - 1) // PAGE_SIZE
    return await page(datasette, request, "browse_search.html", {
        "q": query, "filters": filters, "found": found, "error": error, "page_number": number or 1, "pages": pages,
        "link": link, "snip": lambda s: ui.highlighted(s, MARKS), "searched": bool(query or filters != Filters()),
    }, status=400 if error else 200)


def _page_number(text: str) -> int | None:
    return int(text) if text.isascii() and text.isdigit() and len(text) < 7 and 1 <= int(text) <= LAST_PAGE else None


def _article_context(db: Database, article_id: int) -> dict | None:
    row = queries.article(db, article_id)
    if row is None:
        return None
    versions = queries.versions(db, article_id)
    current = next((v for v in versions if v["id"] == row["version_id"]), versions[-1] if versions else None)
    images = queries.images(db, current["id"]) if current else []
    image_digests = {img["url"]: img["digest"] for img in images if img["digest"]}
    links = ui.links_in(current["body_html"] if current else "")
    keys = [k for k in (identity_key(u) for u in links) if k]
    body = ui.body_html(current["body_html"] if current else "", image_digests, queries.article_ids_by_key(db, keys))
    caps = capture_store.article_captures(db, article_id)
    shown = lxml.html.fragment_fromstring(str(body) or "<p></p>", create_parent="div").text_content()
    # most bodies open with their lead: shown apart only when they do not
    lead_apart = bool(row["lead"]) and " ".join(row["lead"].split()) not in " ".join(shown.split())
    return {"a": row, "lead_apart": lead_apart, "versions": versions, "current": current, "images": images,
            "body": body,
            "attachments": queries.attachments(db, current["id"]) if current else [],
            "aliases": queries.aliases(db, article_id), "events": queries.events(db, article_id),
            "captures": list(reversed(caps)), "uuid_of": uuid_of}


async def article(datasette, request):
    number = article_id(request)
    context = None if number is None else await read(datasette, _article_context, number)
    if context is None:
        return await not_found(datasette, request, "Không có bài viết này trong lưu trữ.")
    return await page(datasette, request, "browse_article.html", context)


def _diff_context(db: Database, article_id: int, old_number: str, new_number: str) -> dict | None:
    row = queries.article(db, article_id)
    versions = queries.versions(db, article_id)
    if row is None or not versions:
        return None
    try:
        new = versions[int(new_number) - 1] if new_number else versions[-1]
        old = versions[int(old_number) - 1] if old_number else versions[max(0, new["number"] - 2)]
    except (ValueError, IndexError):
        return None
    if int(new_number or new["number"]) < 1 or int(old_number or old["number"]) < 1:
        return None
    rows = ui.diff_rows(changes(db, old, new)) if old["id"] != new["id"] else []
    old_images, new_images = queries.images(db, old["id"]), queries.images(db, new["id"])
    image_changes = [(a, b) for a, b in _pad(old_images, new_images)
                     if (a and (a["url"], a["digest"])) != (b and (b["url"], b["digest"]))]
    return {"a": row, "versions": versions, "old": old, "new": new, "rows": rows, "image_changes": image_changes}


def _pad(a: list, b: list) -> list[tuple]:
    n = max(len(a), len(b))
    return [(a[i] if i < len(a) else None, b[i] if i < len(b) else None) for i in range(n)]


async def diff(datasette, request):
    number = article_id(request)
    context = None if number is None else await read(datasette, _diff_context, number, request.args.get("from", ""),
                                                     request.args.get("to", ""))
    if context is None:
        return await not_found(datasette, request, "Không có bài viết hoặc phiên bản này.")
    return await page(datasette, request, "browse_diff.html", context)


async def as_of(datasette, request):
    """The article as it was on a day: its latest capture on or before the end of that day, Vietnam time."""
    number = article_id(request)
    if number is None:
        return await not_found(datasette, request, "Không có bài viết này trong lưu trữ.")
    day = request.args.get("date", "")
    try:
        end = datetime.strptime(day, "%Y-%m-%d").replace(tzinfo=ui.VIETNAM) + timedelta(days=1, seconds=-1)
    except ValueError:
        return await page(datasette, request, "browse_message.html", {
            "title": "Ngày không hợp lệ", "message": f"Hãy nhập ngày theo dạng YYYY-MM-DD (đã nhận: {day!r})."}, 400)
    found = await read(datasette, capture_store.capture_on_or_before, number, end)
    if found is None:
        return await page(datasette, request, "browse_message.html", {
            "title": "Chưa có bản lưu",
            "message": f"Không có bản lưu nào của bài viết này vào hoặc trước ngày {end.strftime('%d/%m/%Y')}.",
            "back": f"/articles/{number}"}, 404)
    return Response.redirect(f"/captures/{uuid_of(found.record_id)}?as_of={quote(day)}")


def _capture_context(db: Database, record_id: str) -> dict | None:
    found = capture_store.capture(db, record_id)
    if found is None:
        return None
    article_id = find_article(db, found.url)
    siblings = capture_store.article_captures(db, article_id) if article_id else [found]
    position = next((n for n, c in enumerate(siblings) if c.record_id == found.record_id), None)
    return {"c": found, "article_id": article_id, "article": queries.article(db, article_id) if article_id else None,
            "previous": siblings[position - 1] if position else None,
            "next": siblings[position + 1] if position is not None and position + 1 < len(siblings) else None,
            "count": len(siblings), "position": (position or 0) + 1, "uuid_of": uuid_of}


async def capture_page(datasette, request):
    context = await read(datasette, _capture_context, record_of(request.url_vars["uuid"]))
    if context is None:
        return await not_found(datasette, request, "Không có bản lưu này trong lưu trữ.")
    context["as_of"] = request.args.get("as_of", "")
    context["frame"] = f"{REPLAY_PREFIX}/record/{request.url_vars['uuid'].lower()}"
    return await page(datasette, request, "browse_capture.html", context)


async def changed(datasette, request):
    rows = await read(datasette, queries.changed)
    return await page(datasette, request, "browse_changed.html", {"rows": rows})


async def removed(datasette, request):
    rows = await read(datasette, queries.removed)
    return await page(datasette, request, "browse_removed.html", {"rows": rows, "uuid_of": uuid_of})


async def feed(datasette, request):
    entries = await read(datasette, queries.feed)
    # Never the request's Host header, which anyone can forge: the configured address, or links relative to the feed
    base = option(datasette, "public_url", "")
    updated = entries[0]["first_seen"] if entries else "2025-01-01T00:00:00+07:00"
    xml = await datasette.render_template("browse_feed.xml", {
        "entries": entries, "base": base, "updated": updated, "rfc3339": _rfc3339, "feed_id": FEED_ID,
        "entry_id": _entry_id}, request=request)
    return Response(xml, content_type="application/atom+xml; charset=utf-8",
                    headers={"X-Content-Type-Options": "nosniff"})


FEED_ID = f"urn:uuid:{uuid5(NAMESPACE_URL, 'portal-archive:/feed.atom')}"


def _entry_id(entry: dict) -> str:
    """An Atom id (an absolute IRI, unlike the links) for one version, the same whatever address serves the feed."""
    version = f"{entry['canonical_url']}#v{entry['number_before'] + 1}"
    return f"urn:uuid:{uuid5(NAMESPACE_URL, version)}"


def _rfc3339(text: str) -> str:
    moment = ui.parse_time(text)
    return moment.isoformat() if moment else ""


# -- bytes from the archive -----------------------------------------------------------------------------------------

async def media(datasette, request):
    """An archived image or file by its digest: shown inline only for harmless types, never run, never sniffed."""
    digest = request.url_vars["digest"]
    row = await read(datasette, queries.media, "sha256:" + digest)
    base = archive_dir(datasette).resolve()
    path = (base / row["path"]).resolve() if row and row["path"] else None
    if path is None or not path.is_relative_to(base / "media") or not path.is_file():
        return Response.text("Không có tệp này trong lưu trữ.", status=404, headers=dict(SAFE_HEADERS))
    data = await asyncio.to_thread(path.read_bytes)
    mime = (row["mime"] or "application/octet-stream").split(";")[0].strip().lower()
    name = safe_filename(row["filename"] or "") or digest[:16]
    inline = mime in INLINE_MEDIA and request.args.get("download") is None
    headers = {"Content-Security-Policy": "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'",
               "X-Content-Type-Options": "nosniff", "Cache-Control": "public, max-age=31536000, immutable",
               "Content-Disposition": _disposition("inline" if inline else "attachment", name)}
    return Response(data, content_type=mime if inline else "application/octet-stream", headers=headers)


def _disposition(kind: str, name: str) -> str:
    ascii_name = name.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_").replace("\\", "_")
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


async def replay_record(datasette, request):
    """One capture, as archived: the document the "as captured" page frames."""
    found = await read(datasette, capture_store.capture, record_of(request.url_vars["uuid"]))
    return await _replayed(datasette, found)


async def replay(datasette, request):
    """An address as it was at a time: the links, images and styles of a replayed page lead here."""
    url = request.url_vars["url"]
    if request.query_string:
        url += "?" + request.query_string
    found = await read(datasette, capture_store.find_capture, url, request.url_vars["timestamp"])
    return await _replayed(datasette, found)


async def _replayed(datasette, found) -> Response:
    if found is None:
        return Response.html("<!doctype html><meta charset=utf-8><p>Địa chỉ này không có trong lưu trữ.</p>",
                             status=404, headers=dict(SECURITY_HEADERS))
    warcs = archive_dir(datasette) / "warcs"
    try:
        response = await read(datasette, lambda db: capture_store.read_response(warcs, db, found))
    except capture_store.CaptureError as e:
        return Response.text(f"Bản lưu không đọc được: {e}", status=502, headers=dict(SECURITY_HEADERS))
    status, headers, body = await asyncio.to_thread(render, response)
    content_type = "application/octet-stream"
    out: dict[str, str] = {}
    for name, value in headers:
        if name.lower() == "content-type":
            content_type = value
        else:
            out[name] = value
    return Response(body, status=status, headers=out, content_type=content_type)


STATIC = Path(__file__).parent / "static"


async def static(request):
    path = STATIC / request.url_vars["path"]
    if not path.is_file():
        return Response.text("not found", status=404)
    kind = {"css": "text/css", "svg": "image/svg+xml", "png": "image/png"}[path.suffix[1:]]
    return Response(path.read_bytes(), content_type=kind,
                    headers={"Cache-Control": "max-age=3600", "X-Content-Type-Options": "nosniff"})

