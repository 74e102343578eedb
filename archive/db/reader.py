"""An existing archive opened for reading: never created, migrated or written, and refused in one clear sentence.

Every command that reads (search, diff, verify, status, the exports, the web UI) opens the archive this way, so
that a mistyped path never becomes an empty archive, a read-only copy can be read, and a damaged database is named
as such.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlite_utils import Database

from archive.db.schema import BUSY_TIMEOUT_MS


class NoArchive(Exception):
    """No archive at a path, or one whose database cannot be read; the message says what to do."""


def open_read_only(directory: str | Path) -> Database:
    """The database of an existing archive, for reading: never creates, migrates or writes anything.

    A read-only directory (a backup, a mounted copy) can still be read; a damaged database is named as such, with
    the way to make it again from the WARC files.
    """
    path = Path(directory) / "archive.db"
    if not path.is_file():
        raise NoArchive(f"no archive in {directory} (no archive.db there: crawl first, or check --archive)")
    uri = path.absolute().as_uri()
    try:
        try:
            conn = _probe(f"{uri}?mode=ro")
        except sqlite3.OperationalError:
            # WAL needs its -shm file, which a read-only directory cannot get; with no -wal file there is nothing
            # uncommitted to read, so the file alone is the whole database.
            wal = path.with_name(path.name + "-wal")
            if os.access(path.parent, os.W_OK) or (wal.exists() and wal.stat().st_size):
                raise
            conn = _probe(f"{uri}?immutable=1")
    except sqlite3.DatabaseError as exc:
        raise NoArchive(f"{path} cannot be read ({exc}): if it is damaged, `portal-archive rebuild --archive "
                        f"{directory} NEW` makes a new archive from its WARC files") from None
    return Database(conn)


def _probe(uri: str) -> sqlite3.Connection:
    conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        conn.execute("select count(*) from sqlite_master").fetchone()  # "file is not a database" shows here
    except BaseException:
        conn.close()
        raise
    return conn
