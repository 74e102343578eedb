"""Start the web UI: datasette over ARCHIVE/archive.db with the browse plugin and its metadata."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from datasette.app import Datasette
from datasette.plugins import pm

import browse
from archive.db.reader import NoArchive, open_read_only

METADATA = Path(__file__).with_name("metadata.yml")
SETTINGS = {
    "sql_time_limit_ms": 5000,  # a researcher's query over 100,000 articles may take a moment
    "default_page_size": 50,
    "max_returned_rows": 5000,
    "allow_download": False,  # the database file is the archive; it is copied from disk, not over the web
    "num_sql_threads": 4,
}


class UnreadableArchive(Exception):
    """No archive database SQLite can read in the directory; the message says what to do."""


def make_datasette(archive_dir: Path, *, allow_sql: bool = True, public_url: str = "",
                   debug_endpoints: bool = False) -> Datasette:
    """A datasette serving the archive in `archive_dir` read-only, with the browse pages.

    `allow_sql`: visitors may run their own SQL (and datasette's `_where=`); `public_url`: the address readers reach
    the UI at (`https://archive.example.org`), for the Atom feed's links, which are relative without it;
    `debug_endpoints`: serve datasette's /-/ introspection pages (versions, settings, databases, threads…).
    """
    database = Path(archive_dir) / "archive.db"
    _check_readable(Path(archive_dir))
    if public_url and (urlsplit(public_url).scheme not in ("http", "https") or not urlsplit(public_url).netloc):
        raise ValueError(f"not an http(s) address: {public_url!r}")
    if not pm.is_registered(browse):  # an installed checkout registers it through its entry point
        pm.register(browse, name="portal_archive_browse")
    metadata = yaml.safe_load(METADATA.read_text(encoding="utf-8"))
    metadata.setdefault("plugins", {})[browse.PLUGIN] = {"public_url": public_url.rstrip("/"),
                                                         "debug_endpoints": debug_endpoints}
    return Datasette(files=[str(database)], metadata=metadata, settings=dict(SETTINGS, default_allow_sql=allow_sql),
                     cors=False)


def _check_readable(archive_dir: Path) -> None:
    """One sentence a person can act on, not a traceback from the first page, when archive.db is missing or damaged."""
    try:
        db = open_read_only(archive_dir)
    except NoArchive as e:
        raise UnreadableArchive(str(e)) from None
    try:
        if "articles" not in db.table_names():
            raise UnreadableArchive(f"{archive_dir / 'archive.db'} is not an archive database (it has no articles "
                                    f"table): crawl first, or rebuild it from the WARC files with `portal-archive "
                                    f"rebuild --archive {archive_dir} NEW`")
    finally:
        db.close()


def is_loopback(host: str) -> bool:
    """Whether listening on `host` keeps the UI to this machine."""
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(archive_dir: Path, host: str = "127.0.0.1", port: int = 8001, *, allow_sql: bool | None = None,
          public_url: str = "", debug_endpoints: bool = False) -> None:
    """Serve the UI until stopped. Visitors may run their own SQL if `allow_sql`; by default (None) only when it
    listens on loopback: on a network, anyone who reaches it could otherwise keep its SQL threads busy."""
    import uvicorn

    try:
        ds = make_datasette(archive_dir, allow_sql=is_loopback(host) if allow_sql is None else allow_sql,
                            public_url=public_url, debug_endpoints=debug_endpoints)
    except (UnreadableArchive, ValueError) as e:
        raise SystemExit(str(e)) from None
    uvicorn.run(ds.app(), host=host, port=port, log_level="warning", lifespan="on")
