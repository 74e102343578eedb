"""Re-extraction: every captured page read again from the WARC files by the current extractor.

Archives improve when the extractor does. Each version of each article is read again from the capture it was
made from; where the new reading differs, the version is rewritten in place (the capture is the same, only its
reading is better), and versions that now read alike are merged, so a better extractor never makes spurious
versions. The WARC files are not touched: they are the archive of record, and `verify` passes after.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from archive.db import reextraction
from archive.db.content import Content
from archive.db.store import Archive
from archive.operations.lock import archive_lock
from archive.page.extract import extract
from archive.replay.captures import CaptureError, capture, read_response


@dataclass
class Reextracted:
    articles: int = 0
    versions: int = 0  # versions read again from their captures
    rewritten: int = 0  # of which read differently now
    merged: int = 0  # versions that read like the one before them once read again
    changed_articles: int = 0
    errors: list[str] = field(default_factory=list)  # captures that could not be read (WARC file missing, ...)


def reextract(archive_dir: Path) -> Reextracted:
    """Read every version of every article of the archive in `archive_dir` again, from its capture.

    Takes the archive's lock (raises `Locked` while a crawl writes it)."""
    archive_dir = Path(archive_dir)
    if not (archive_dir / "archive.db").is_file():
        raise FileNotFoundError(f"no archive at {archive_dir}: no archive.db")
    report = Reextracted()
    warc_dir = archive_dir / "warcs"
    with archive_lock(archive_dir), Archive(archive_dir) as archive:  # one writer: no crawl meanwhile
        db = archive.db
        for article_id in reextraction.article_ids(db):
            report.articles += 1
            if _reextract_article(db, warc_dir, article_id, report):
                report.changed_articles += 1
    return report


def _reextract_article(db, warc_dir: Path, article_id: int, report: Reextracted) -> bool:
    changed = False
    versions = reextraction.versions_of(db, article_id)
    kept: reextraction.StoredVersion | None = None  # the previous version that stays
    for version in versions:
        if reextraction.page_record(db, version.warc_record_id):
            page = _read_page(db, warc_dir, version.warc_record_id, report)
            if page is not None:
                report.versions += 1
                content = Content.of(page)
                if content.digest != version.content_hash:
                    reextraction.rewrite(db, version.id, page, content)
                    report.rewritten += 1
                    changed = True
        elif kept is not None:  # made by an image's new bytes: the text of the page's version before it
            reextraction.copy_text(db, kept.id, version.id)
        if kept is not None and _reads_alike(db, kept.id, version.id):
            reextraction.merge(db, kept, version)
            report.merged += 1
            changed = True
            continue
        kept = version
    if changed:
        reextraction.refresh_article(db, article_id)
    return changed


def _reads_alike(db, a: int, b: int) -> bool:
    hashes = dict(db.execute("select id, content_hash from article_versions where id in (?, ?)", [a, b]).fetchall())
    return hashes.get(a) == hashes.get(b) and reextraction.image_digests(db, a) == reextraction.image_digests(db, b)


def _read_page(db, warc_dir: Path, record_id: str, report: Reextracted):
    found = capture(db, record_id, warc_dir)
    if found is None:
        report.errors.append(f"{record_id}: not in the record index")
        return None
    try:
        response = read_response(warc_dir, db, found)
    except (CaptureError, OSError) as exc:
        report.errors.append(f"{record_id} ({found.target_uri}): {exc}")
        return None
    if response.status != 200:
        return None
    return extract(found.target_uri, response.body, response.content_type)
