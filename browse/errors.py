"""Errors that are the request's fault, or the time limit's, answered as such rather than as a server error (500)."""

from __future__ import annotations

import sqlite3

from datasette.handle_exception import handle_exception as datasette_handler
from datasette.views.base import DatasetteError

from browse.limits import DENIED_FUNCTIONS, VALUE_BYTES


def for_exception(exception: BaseException) -> DatasetteError | None:
    """The 4xx or 503 an exception stands for, or None for a real server error."""
    message = str(exception)
    if isinstance(exception, OverflowError) and "SQLite INTEGER" in message:
        # a page number, an id or a filter value beyond SQLite's 64-bit integers
        return DatasetteError("A number in the address is too large (the largest is 9223372036854775807).",
                              title="Bad request", status=400)
    if isinstance(exception, DatasetteError) and exception.status == 500:
        # datasette 0.65 raises the request's own mistakes (`_sort` on an unknown column, a bad `_through`) with
        # DatasetteError's default status, 500; its real failures come as other exceptions
        return DatasetteError(exception.message, title="Bad request", status=400)
    if isinstance(exception, sqlite3.DataError) and "too big" in message:
        return DatasetteError(f"A value would be larger than the web UI allows ({VALUE_BYTES // 1_000_000} MB).",
                              title="Bad request", status=400)
    if isinstance(exception, sqlite3.DatabaseError) and message.startswith("not authorized"):
        # SQLite's words name the function: "not authorized to use function: fts3_tokenizer"
        return DatasetteError(f"{message} (the web UI refuses {', '.join(sorted(DENIED_FUNCTIONS))})",
                              title="Bad request", status=400)
    if isinstance(exception, sqlite3.OperationalError) and message == "interrupted":
        return DatasetteError("This page took longer than the web UI allows; try again later.",
                              title="Too long", status=503)
    return None


def handle_exception(datasette, request, exception):
    """datasette's `handle_exception` hook: our answer for the exceptions above, rendered as datasette renders its
    errors (HTML, or JSON for .json addresses); None leaves every other exception to datasette."""
    answer = for_exception(exception)
    return None if answer is None else datasette_handler(datasette, request, answer)
