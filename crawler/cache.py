"""The crawl's resume cache: Scrapy's DBM cache storage on a SQLite file, for HTML pages only.

A crawl killed with SIGKILL loses Scrapy's JOBDIR queue (it is saved on a clean stop only), but every HTML page
it had received is in this cache. `portal-archive crawl --resume` then discovers the site again from the start
pages, answered from the cache without touching the network; images and files already in the archive are not
fetched again (the spider skips them), so only what the killed crawl had not fetched is fetched.

This module is also the "DBM module" Scrapy's `DbmCacheStorage` opens (`HTTPCACHE_DBM_MODULE`): Python 3.11 has
no `dbm.sqlite3`, and the file-per-response storage costs a crawl a tenth of its CPU in file system calls. Each
write is one SQLite statement, so a kill never leaves a torn entry, and Scrapy writes an entry's data before its
timestamp, so an entry without its timestamp is simply not found.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, MutableMapping

from scrapy import Request
from scrapy.extensions.httpcache import DummyPolicy
from scrapy.http import Response


class HtmlPolicy(DummyPolicy):
    """Cache HTML pages only: they are what re-discovery needs; images and files are in the archive already."""

    def should_cache_response(self, response: Response, request: Request) -> bool:
        content_type = response.headers.get(b"Content-Type") or b""
        return b"html" in content_type and super().should_cache_response(response, request)


class SqliteDbm(MutableMapping):
    """The part of the `dbm` interface Scrapy uses, on one SQLite table."""

    def __init__(self, path: str):
        self.conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = OFF")  # a cache: a power cut may cost entries, never consistency
        self.conn.execute("CREATE TABLE IF NOT EXISTS cache (key TEXT PRIMARY KEY, value BLOB NOT NULL)")

    def __getitem__(self, key: str) -> bytes:
        row = self.conn.execute("SELECT value FROM cache WHERE key = ?", (key,)).fetchone()
        if row is None:
            raise KeyError(key)
        return row[0]

    def __setitem__(self, key: str, value: bytes | str) -> None:
        self.conn.execute("INSERT OR REPLACE INTO cache (key, value) VALUES (?, ?)", (key, value))

    def __delitem__(self, key: str) -> None:
        self.conn.execute("DELETE FROM cache WHERE key = ?", (key,))

    def __contains__(self, key: object) -> bool:
        return self.conn.execute("SELECT 1 FROM cache WHERE key = ?", (key,)).fetchone() is not None

    def __iter__(self) -> Iterator[str]:
        return (key for (key,) in self.conn.execute("SELECT key FROM cache"))

    def __len__(self) -> int:
        return self.conn.execute("SELECT count(*) FROM cache").fetchone()[0]

    def close(self) -> None:
        self.conn.close()


def open(path: str, flag: str = "c", mode: int = 0o666) -> SqliteDbm:  # noqa: A001 - the dbm module interface
    return SqliteDbm(path)
