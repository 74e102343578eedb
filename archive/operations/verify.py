"""Fixity and integrity of an archive: every WARC and media file as recorded, every link to a record resolvable."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlite_utils import Database

from archive.warc.files import record_at, sha256_file

# The rows that point at WARC records, by table and what they are.
LINKS = (("article_versions", "article version"), ("media_urls", "image or file"), ("fetches", "fetch"),
         ("article_events", "article event"))


@dataclass
class Report:
    files: int = 0
    records: int = 0
    links: int = 0
    media: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(db: Database, archive_dir: Path) -> Report:
    """Check the WARC files and media of the archive in `archive_dir`, whose database is `db`."""
    report = Report()
    warc_dir = archive_dir / "warcs"
    recorded = {row["filename"]: row for row in db.query("select * from warc_files")}
    for name, row in sorted(recorded.items()):
        path = warc_dir / name
        report.files += 1
        if not path.is_file():
            report.problems.append(f"{name}: missing (recorded with sha256 {row['sha256']})")
        elif sha256_file(path) != row["sha256"]:
            report.problems.append(f"{name}: altered (sha256 differs from the one recorded when it was closed)")
        elif row["problems"]:
            report.problems.append(f"{name}: failed validation when closed: {row['problems']}")
    for path in sorted(warc_dir.glob("*.warc.gz")):
        if path.name not in recorded:
            report.problems.append(f"{path.name}: not in the archive's index (written by a crawl that was killed?)")
    for path in sorted(warc_dir.glob("*.warc.gz.open")):
        report.problems.append(f"{path.name}: still open (a crawl is running, or crashed; the next crawl closes it)")
    records = {row["record_id"]: row for row in db.query(
        "select record_id, filename, offset, length, refers_to from warc_records")}
    report.records = len(records)
    for table, what in LINKS:
        for (record_id,) in db.execute(f"select distinct warc_record_id from {table} where warc_record_id is not null"):
            report.links += 1
            if record_id not in records:
                report.problems.append(f"{what} points at {record_id}, which no indexed WARC record has")
    by_file: dict[str, list[dict]] = {}
    for row in records.values():
        by_file.setdefault(row["filename"], []).append(row)
        if row["refers_to"] and row["refers_to"] not in records:
            report.problems.append(f"revisit {row['record_id']} refers to {row['refers_to']}, which is not indexed")
    for name, rows in sorted(by_file.items()):
        path = warc_dir / name
        if not path.is_file():
            report.problems.append(f"{name}: missing, and {len(rows)} indexed records with it")
            continue
        with path.open("rb") as f:
            for row in rows:
                if _record_id(f, row["offset"], row["length"]) != row["record_id"]:
                    report.problems.append(f"{name}@{row['offset']}: not record {row['record_id']}")
    _verify_media(db, archive_dir, report)
    return report


def _verify_media(db: Database, archive_dir: Path, report: Report) -> None:
    """Every image and file the database knows is in media/ with the digest it was stored under: the UI serves them."""
    media = (archive_dir / "media").resolve()
    for digest, name in db.execute("select digest, path from images union select digest, path from files "
                                   "order by path"):
        report.media += 1
        path = archive_dir / name
        if media not in path.resolve().parents:
            report.problems.append(f"{name}: recorded for {digest}, and not inside media/")
        elif not path.is_file():
            report.problems.append(f"{name}: missing (recorded with {digest})")
        elif f"sha256:{sha256_file(path)}" != digest:
            report.problems.append(f"{name}: altered (its sha256 is not the {digest} it was stored under)")


def _record_id(f, offset: int, length: int) -> str | None:
    try:
        return record_at(f, offset, length).rec_headers.get_header("WARC-Record-ID")
    except Exception:  # anything unreadable is simply not the record we wanted
        return None
