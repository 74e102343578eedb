"""What happens to archived pages over time: validators for conditional requests, pages unchanged (304), gone, back."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from sqlite_utils import Database

from archive.db import schema
from archive.db.content import iso, normalise


class History:
    def __init__(self, db: Database):
        self.db = db

    def remember_validators(self, url: str, etag: str, last_modified: str, when: datetime) -> None:
        """The ETag / Last-Modified a 200 answer carried, to send back as If-None-Match / If-Modified-Since."""
        with schema.transaction(self.db):
            self.db.table("validators").upsert({"url": normalise(url), "etag": etag or None,
                                                "last_modified": last_modified or None, "seen": iso(when)}, pk="url")

    def validators(self) -> dict[str, tuple[str | None, str | None]]:
        """The validators of the URLs whose content the archive holds (an article's address, an image or a file).

        The fetch log records them before the page or file is stored: a crawl killed in between must not send them,
        or the 304 it would get back would leave that content unarchived for good.
        """
        return {url: (etag, modified) for url, etag, modified in self.db.execute(
            "select v.url, v.etag, v.last_modified from validators v "
            "where exists (select 1 from url_aliases u where u.url = v.url) "
            "or exists (select 1 from media_urls m where m.url = v.url)")}

    def archived_media(self) -> set[str]:
        """The addresses of the images and files the archive holds."""
        return {url for (url,) in self.db.execute("select url from media_urls")}

    def identity_keys(self) -> set[str]:
        """The identity keys of the addresses of every archived article."""
        return {key for (key,) in self.db.execute("select identity_key from url_aliases")}

    def addresses_of_live_articles(self) -> dict[int, list[tuple[str, str]]]:
        """(last seen, URL) of every address of each article and document not marked removed, by article id."""
        addresses: dict[int, list[tuple[str, str]]] = {}
        for article, url, seen in self.db.execute(
                "select u.article_id, u.url, u.last_seen from url_aliases u join articles a on a.id = u.article_id "
                "where a.removed_at is null and a.kind in ('article', 'document')"):
            addresses.setdefault(article, []).append((seen, url))
        return addresses

    def article_at(self, url: str) -> int | None:
        row = self.db.execute("select article_id from url_aliases where url = ?", [normalise(url)]).fetchone()
        return row[0] if row else None

    def images_of(self, url: str) -> list[str]:
        """The images the current version of the article at `url` shows."""
        return [u for (u,) in self.db.execute(
            "select i.url from article_images i join articles a on a.current_version_id = i.version_id "
            "join url_aliases u on u.article_id = a.id where u.url = ? order by i.position", [normalise(url)])]

    def not_modified(self, url: str, when: datetime) -> str:
        """A 304: the page or file is as last archived. Returns what it was: "article", "media" or ""."""
        seen, url = iso(when), normalise(url)
        with schema.transaction(self.db):
            article = self.article_at(url)
            if article is not None:
                self.db.execute("update url_aliases set last_seen = max(last_seen, ?) where url = ?", [seen, url])
                self.db.execute("update articles set last_seen = max(last_seen, ?) where id = ?", [seen, article])
                self.db.execute("update article_versions set last_seen = max(last_seen, ?) where id = "
                                "(select current_version_id from articles where id = ?)", [seen, article])
                return "article"
            cursor = self.db.execute(
                "update media_urls set last_seen = max(last_seen, ?) where rowid = "
                "(select rowid from media_urls where url = ? order by last_seen desc limit 1)", [seen, url])
            return "media" if cursor.rowcount else ""

    def gone(self, run_id: int, url: str, status: int, when: datetime, warc_record_id: str = "") -> bool:
        """An archived article is gone: its URL answered 404 or 410, or nothing links it any more (200 or 304).

        Marks it removed, with the evidence; returns True if it was not already.
        """
        article = self.article_at(url)
        if article is None:
            return False
        with schema.transaction(self.db):
            if self.db.execute("select removed_at from articles where id = ?", [article]).fetchone()[0]:
                return False
            at = iso(when)
            self.db.execute("update articles set removed_at = ? where id = ?", [at, article])
            evidence = (f"HTTP {status} at {normalise(url)}" if status >= 400 else
                        f"linked from no listing or page of a complete discovery; {normalise(url)} still answers "
                        f"{status}")
            self.event(article, "removed", at, url, status, evidence, warc_record_id, run_id)
        return True

    def event(self, article_id: int, event: str, at: str, url: str, status: int | None, evidence: str,
              warc_record_id: str, run_id: int | None) -> None:
        self.db.table("article_events").insert({
            "article_id": article_id, "event": event, "at": at, "url": normalise(url), "status": status,
            "evidence": evidence, "warc_record_id": warc_record_id or None, "run_id": run_id})


def recheck_policy(text: str | None) -> list[tuple[int | None, int]]:
    """PORTAL_RECHECK as the scheduler passes it: JSON [[age seconds or null, every seconds], ...]."""
    return [(age, every) for age, every in json.loads(text or "[]")]


def due_for_recheck(db: Database, policy: list[tuple[int | None, int]], now: datetime | None = None) -> list[str]:
    """One URL per archived article (its most recently seen) that the policy says to check again now.

    An article's age runs from its publication or its last change, whichever is later; the first policy line
    whose age fits gives how often it is checked; an article older than every line is not checked.
    """
    now = now or datetime.now(timezone.utc)
    due = []
    for published, changed, last_seen, url in db.execute(
            "select a.published, v.first_seen, a.last_seen, (select u.url from url_aliases u where u.article_id = a.id "
            "order by u.last_seen desc limit 1) from articles a join article_versions v on v.id = a.current_version_id "
            "where a.removed_at is null"):
        moments = [datetime.fromisoformat(t) for t in (published, changed) if t]
        age = (now - max(moments)).total_seconds() if moments else 0
        every = next((every for limit, every in policy if limit is None or age <= limit), None)
        if every is not None and url and (now - datetime.fromisoformat(last_seen)).total_seconds() >= every:
            due.append(url)
    return due
