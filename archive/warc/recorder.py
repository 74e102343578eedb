"""Records HTTP exchanges in the WARC files, deduplicated: a response, or a revisit of an original already archived.

The one place that decides what a capture becomes (warc-rules 11, 12; docs/warc.md, Deduplication), writes it,
and indexes where it landed; and that, at start-up, closes the files a crash left open and indexes the records
the index had not noted (rule 16). The index is the archive's (`archive.db.record_index.WarcIndex`); this layer
knows it only as the `RecordIndex` protocol below.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from archive.warc.files import ClosedFile, RecordRef, closed_file, iter_records, recover
from archive.warc.writer import Exchange, WarcWriter

log = logging.getLogger(__name__)


class RecordIndex(Protocol):
    """What the recorder asks of the index of WARC files and records."""

    def add_records(self, run_id: int | None, refs: Sequence[RecordRef], refers_to: str = "") -> None:
        """Index records already on disk; `refers_to` is the original the revisits among them point at."""

    def add_file(self, run_id: int | None, closed: ClosedFile) -> None:
        """Index a closed file."""

    def filenames(self) -> set[str]:
        """The names of the files indexed."""

    def known(self, record_ids: list[str]) -> set[str]:
        """Those of these record ids that are indexed."""

    def captured(self, url: str, payload_digest: str) -> RecordRef | None:
        """The latest response or revisit record of `url` with this payload, from any run."""

    def original(self, payload_digest: str, run_id: int | None) -> RecordRef | None:
        """The first response record with this payload that may be referred to from run `run_id`."""

    def last_response(self, url: str, run_id: int | None) -> RecordRef | None:
        """The response record a 304 for `url` confirms, that may be referred to from run `run_id`."""


@dataclass(frozen=True)
class Recorded:
    """What became of an exchange."""

    record: RecordRef  # its response or revisit record
    written: bool  # False when an earlier run had written it already (an answer of the resume cache)

    @property
    def revisit(self) -> bool:
        return self.record.warc_type == "revisit"


class Recorder:
    """Writes a crawl's exchanges into `directory`: `open(run_id)`, then `record(exchange)` each, then `close()`."""

    def __init__(self, directory: str | Path, index: RecordIndex, prefix: str = "portal", max_size: int = 10**9,
                 warcinfo: dict[str, str] | None = None, host: str = "") -> None:
        self.directory = Path(directory)
        self.index = index
        self.run_id: int | None = None
        # Made now so that a bad prefix or size limit stops the crawl before it starts.
        self.writer = WarcWriter(self.directory, prefix=prefix, host=host, max_size=max_size, warcinfo=warcinfo)

    def open(self, run_id: int | None) -> list[ClosedFile]:
        """Start recording for run `run_id`, after closing and indexing what an earlier crawl left (recover)."""
        self.run_id = run_id
        self.writer.warcinfo["run-id"] = str(run_id or "")
        return self.recover()

    def recover(self) -> list[ClosedFile]:
        """Close the files a crash left open, and index the complete records the index had not noted.

        A file closed by a crawl killed before it could note it (rotation, or the last instant of a run) is
        indexed the same way. Returns the files recovered.
        """
        recovered = recover(self.directory)
        skip = self.index.filenames() | {closed.filename for closed, _ in recovered}
        for path in sorted(self.directory.glob("*.warc.gz")):
            if path.name not in skip:
                recovered.append((closed_file(path), list(iter_records(path))))
        for closed, refs in recovered:
            known = self.index.known([r.record_id for r in refs])
            self.index.add_records(None, [r for r in refs if r.record_id not in known])
            self.index.add_file(None, closed)
            log.warning("recovered %s after a crash: %d complete records, %d newly indexed",
                        closed.filename, len(refs), len(refs) - len(known))
        return [closed for closed, _ in recovered]

    def record(self, exchange: Exchange, cached: bool = False) -> Recorded:
        """Write `exchange` as a response or a revisit, on disk and indexed when this returns.

        `cached`: the exchange is an answer of the resume cache, fetched by an earlier run that was killed. That
        run wrote its record (unless it was killed before it could: then it is written now).
        """
        if cached:
            found = self.index.captured(exchange.url, exchange.payload_digest)
            if found is not None:
                return Recorded(found, written=False)
        original, profile = self._original(exchange)
        if original is not None:
            refs = self.writer.write_revisit(exchange, original, profile)
        else:
            refs = self.writer.write_capture(exchange)
        self.index.add_records(self.run_id, refs, original.record_id if original else "")
        return Recorded(refs[0], written=True)

    def _original(self, exchange: Exchange) -> tuple[RecordRef | None, str]:
        """The response this exchange is a revisit of, and the revisit's profile; (None, "") to write it whole."""
        if exchange.status == 304:
            return self.index.last_response(exchange.url, self.run_id), "server-not-modified"
        if exchange.body and 200 <= exchange.status < 300 and not exchange.truncated:
            # Only successful answers are deduplicated: error pages are small, and replay tools resolve a revisit
            # of a 500 or 404 poorly (pywb fails on a revisit whose original is an error at another URL). A body
            # cut short is written whole, never as a revisit, so that its record says it was cut.
            return self.index.original(exchange.payload_digest, self.run_id), "identical-payload-digest"
        return None, ""

    def close(self) -> list[ClosedFile]:
        """Close the file being written; index every file closed since the last call (rotation closes files too)."""
        closed = self.writer.close()
        for each in closed:
            self.index.add_file(self.run_id, each)
            if each.problems:
                log.error("WARC file %s failed validation: %s", each.filename, "; ".join(each.problems))
        return closed
