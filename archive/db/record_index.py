"""The archive's index of its WARC files and records: what was written where, and the originals revisits point at.

The index `archive.warc.recorder.Recorder` records through (its `RecordIndex` protocol).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone

from sqlite_utils import Database

from archive.db import schema
from archive.urls import normalise
from archive.warc.files import ClosedFile, RecordRef
from archive.warc.writer import target_uri

# Runs whose responses may be the originals of revisits: a failed or interrupted run's records are referenced only
# once a resumed run completed it ("recovered").
SOUND_RUNS = ("completed", "recovered")
# A RecordRef's fields, as `_ref` reads them from a row of warc_records `r`.
COLUMNS = "r.record_id, r.filename, r.offset, r.length, r.warc_type, r.target_uri, r.date, r.payload_digest"


class WarcIndex:
    def __init__(self, db: Database):
        self.db = db

    def add_records(self, run_id: int | None, refs: Sequence[RecordRef], refers_to: str = "") -> None:
        """Index records already flushed to disk (the writer fsyncs before it returns them).

        `refers_to`: the original record the revisits among `refs` point at.
        """
        rows = [{"record_id": r.record_id, "filename": r.filename, "offset": r.offset, "length": r.length,
                 "warc_type": r.warc_type, "target_uri": r.target_uri, "date": r.date,
                 "payload_digest": r.payload_digest, "refers_to": refers_to if r.warc_type == "revisit" else "",
                 "run_id": run_id} for r in refs]
        with schema.transaction(self.db):
            self.db.table("warc_records").insert_all(rows, ignore=True)

    def add_file(self, run_id: int | None, closed: ClosedFile) -> None:
        with schema.transaction(self.db):
            self.db.table("warc_files").upsert({
                "filename": closed.filename, "run_id": run_id, "size": closed.size, "sha256": closed.sha256,
                "records": closed.records, "problems": "\n".join(closed.problems),
                "closed_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            }, pk="filename")

    def filenames(self) -> set[str]:
        return {name for (name,) in self.db.execute("select filename from warc_files")}

    def known(self, record_ids: list[str]) -> set[str]:
        found: set[str] = set()
        for start in range(0, len(record_ids), 500):
            chunk = record_ids[start:start + 500]
            marks = ",".join("?" * len(chunk))
            found |= {r for (r,) in self.db.execute(f"select record_id from warc_records where record_id in ({marks})",
                                                    chunk)}
        return found

    def captured(self, url: str, payload_digest: str) -> RecordRef | None:
        """The latest response or revisit record of `url` with this payload, from any run; None if there is none."""
        row = self.db.execute(
            f"select {COLUMNS} from warc_records r where target_uri in (?, ?) and payload_digest = ? "
            "and warc_type in ('response', 'revisit') order by rowid desc limit 1",
            [url, target_uri(url), payload_digest]).fetchone()
        return _ref(row) if row else None

    def original(self, payload_digest: str, run_id: int | None) -> RecordRef | None:
        """The first response record with this payload, from a sound run or this one; None if there is none."""
        return self._response("r.payload_digest = ?", payload_digest, run_id, "asc")

    def last_response(self, url: str, run_id: int | None) -> RecordRef | None:
        """The response record a 304 for this URL confirms, from a sound run or this one: the latest successful
        capture of the URL under any spelling (`(1)` or `%281%29`), or that capture's original when it was a revisit
        (the same bytes as another URL)."""
        marks = ",".join("?" * len(SOUND_RUNS))
        row = self.db.execute(
            "select r.warc_type, r.record_id, r.refers_to from fetches f "
            "join warc_records r on r.record_id = f.warc_record_id left join crawl_runs c on c.id = r.run_id "
            f"where f.url = ? and f.status in (200, 304) and r.warc_type in ('response', 'revisit') "
            f"and (c.status in ({marks}) or r.run_id = ?) order by r.rowid desc limit 1",
            [normalise(url), *SOUND_RUNS, run_id]).fetchone()
        if row is None:  # records indexed by crash recovery have no fetch: the same spelling, then
            return self._response("r.target_uri = ?", url, run_id, "desc")
        kind, record_id, refers_to = row
        return self._response("r.record_id = ?", record_id if kind == "response" else refers_to, run_id, "desc")

    def _response(self, condition: str, value: str, run_id: int | None, order: str) -> RecordRef | None:
        marks = ",".join("?" * len(SOUND_RUNS))
        row = self.db.execute(
            f"select {COLUMNS} from warc_records r left join crawl_runs c on c.id = r.run_id "
            f"where {condition} and r.warc_type = 'response' and (c.status in ({marks}) or r.run_id = ?) "
            f"order by r.rowid {order} limit 1", [value, *SOUND_RUNS, run_id]).fetchone()
        return _ref(row) if row else None

    def recover_runs(self, job: str, run_id: int) -> None:
        """A resumed run completed its job: the interrupted runs before it become sound originals."""
        with schema.transaction(self.db):
            self.db.execute("update crawl_runs set status = 'recovered' where job = ? and id < ? "
                            "and status in ('interrupted', 'failed')", [job, run_id])


def _ref(row: tuple) -> RecordRef:
    record_id, filename, offset, length, warc_type, uri, date, payload_digest = row
    return RecordRef(filename=filename, offset=offset, length=length, record_id=record_id, warc_type=warc_type,
                     target_uri=uri, date=date, payload_digest=payload_digest)
