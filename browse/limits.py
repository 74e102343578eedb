"""What SQL may do on the web UI's connections: functions refused, sizes capped, results bounded.

Applied to every connection the UI opens (datasette's `prepare_connection` hook), so a visitor's SQL, datasette's
table pages and our own pages all run under the same rules. Time is bounded separately: datasette puts its
`sql_time_limit_ms` on its own queries, `browse.views.read` puts it on ours.
"""

from __future__ import annotations

import sqlite3
import weakref

# Refused whatever their arguments. A denylist, not an allowlist: datasette, FTS5 (bm25, snippet, highlight),
# JSON and math functions and researchers' queries use dozens of functions that change with SQLite and datasette,
# while the harm comes from a few kinds, all listed here: functions that hand out or take raw pointers
# (fts3_tokenizer: two arguments register a tokenizer at any address, one argument leaks a heap address), that load
# code (load_extension), or that touch files (readfile, writefile, edit: the sqlite3 shell's, refused in case an
# extension brings them). What other functions could do to memory is bounded by the limits below, not by name.
DENIED_FUNCTIONS = frozenset({"fts3_tokenizer", "load_extension", "readfile", "writefile", "edit"})

VALUE_BYTES = 10_000_000  # the largest string or blob: far above any archived value (a body is kilobytes)
RESULT_BYTES = 200_000_000  # the text and bytes one query may return: 5,000 whole articles (`_size=max`) fit
LIMITS = {
    sqlite3.SQLITE_LIMIT_LENGTH: VALUE_BYTES,  # randomblob(900000000) and zeroblob(900000000) fail at once
    sqlite3.SQLITE_LIMIT_SQL_LENGTH: 100_000,
    sqlite3.SQLITE_LIMIT_COLUMN: 200,
    sqlite3.SQLITE_LIMIT_EXPR_DEPTH: 200,
    sqlite3.SQLITE_LIMIT_COMPOUND_SELECT: 50,
    sqlite3.SQLITE_LIMIT_LIKE_PATTERN_LENGTH: 1_000,
    sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER: 1_000,
    sqlite3.SQLITE_LIMIT_ATTACHED: 0,  # the UI reads one database; nothing may be attached beside it
}


class ResultTooLarge(sqlite3.OperationalError):
    """A query's rows hold more text and bytes than RESULT_BYTES."""


def guard(conn: sqlite3.Connection, result_bytes: int = RESULT_BYTES) -> None:
    """Put the UI's rules on a connection: refused functions, capped sizes, a bounded result."""
    conn.set_authorizer(authorizer)
    for limit, value in LIMITS.items():
        conn.setlimit(limit, value)
    conn.row_factory = _bounded_rows(result_bytes)


def authorizer(action: int, arg1: str | None, arg2: str | None, database: str | None, trigger: str | None) -> int:
    """SQLite's authorizer: refuses the statement, when it is prepared, if it calls a denied function."""
    if action == sqlite3.SQLITE_FUNCTION and (arg2 or "").lower() in DENIED_FUNCTIONS:
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


def _bounded_rows(budget: int):
    """A row factory giving datasette's sqlite3.Row, that fails a query whose rows outgrow `budget`.

    The value cap bounds one value; this bounds the whole result, which a few thousand rows of capped values would
    otherwise make gigabytes of Python objects before any time limit is reached.
    """
    spent: weakref.WeakKeyDictionary[sqlite3.Cursor, int] = weakref.WeakKeyDictionary()

    def row_factory(cursor: sqlite3.Cursor, row: tuple) -> sqlite3.Row:
        size = spent.get(cursor, 0) + sum(len(v) for v in row if isinstance(v, (str, bytes)))
        if size > budget:
            raise ResultTooLarge(f"the result is larger than the web UI allows ({budget // 1_000_000} million "
                                 "characters and bytes): ask for fewer rows or columns")
        spent[cursor] = size
        return sqlite3.Row(cursor, row)

    return row_factory
