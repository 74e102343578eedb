"""What the web UI's pages show, read from the archive database (read-only)."""

from __future__ import annotations

from sqlite_utils import Database

from archive.db import diff

LATEST = 12
FEED_ENTRIES = 50


def overview(db: Database) -> dict:
    """What the archive holds, for the home page."""
    one = lambda sql, params=(): db.execute(sql, list(params)).fetchone()  # noqa: E731
    first, last = one("select min(published), max(published) from articles where published != ''")
    return {
        "articles": one("select count(*) from articles")[0],
        "images": one("select count(*) from images")[0],
        "files": one("select count(*) from files")[0],
        "versions": one("select count(*) from article_versions")[0],
        "changed": one("select count(*) from (select article_id from article_versions group by article_id "
                       "having count(*) > 1)")[0],
        "removed": one("select count(*) from articles where removed_at is not null and removed_at != ''")[0],
        "captures": one("select count(*) from warc_records where warc_type in ('response', 'revisit')")[0],
        "warc_files": one("select count(*), coalesce(sum(size), 0) from warc_files"),
        "first_published": first,
        "last_published": last,
        "last_run": next(iter(db.query("select * from crawl_runs order by id desc limit 1")), None),
        "runs": one("select count(*) from crawl_runs")[0],
        "latest": list(db.query(
            "select id, title, published, category_path, category_label from articles_latest "
            "order by published desc, id desc limit ?", [LATEST])),
        "categories": categories(db),
    }


def categories(db: Database) -> list[dict]:
    return list(db.query(
        """select a.category_path as path,
                  coalesce(nullif(c.label, ''), max(a.category_label), a.category_path) as label, count(*) as articles
           from articles a left join categories c on c.path = a.category_path
           group by a.category_path order by a.category_path"""))


def article(db: Database, article_id: int) -> dict | None:
    row = next(iter(db.query(
        """select l.*, a.removed_at, a.method, a.identity_key, a.captions
           from articles_latest l join articles a on a.id = l.id where l.id = ?""", [article_id])), None)
    return row


def versions(db: Database, article_id: int) -> list[dict]:
    """Every version, oldest first, numbered from 1 as `portal-archive diff` numbers them."""
    rows = diff.versions(db, article_id)
    for number, row in enumerate(rows, 1):
        row["number"] = number
    return rows


def images(db: Database, version_id: int) -> list[dict]:
    """The version's images in page order, each with the archived bytes it showed (digest, path) when there are any."""
    return list(db.query(
        """select i.position, i.url, i.caption, i.alt, i.image_key,
                  coalesce(i.digest, (select m.digest from media_urls m where m.image_key = i.image_key
                                      order by m.last_seen desc limit 1)) as digest
           from article_images i where i.version_id = ? order by i.position""", [version_id]))


def attachments(db: Database, version_id: int) -> list[dict]:
    return list(db.query(
        """select t.position, t.url, t.filename, t.link_text, m.digest, f.size, f.mime,
                  coalesce(nullif(m.filename, ''), nullif(t.filename, ''), f.filename) as name
           from attachments t
           left join media_urls m on m.rowid = (select m2.rowid from media_urls m2 where m2.url = t.url
                                                order by m2.last_seen desc, m2.rowid desc limit 1)
           left join files f on f.digest = m.digest
           where t.version_id = ? order by t.position""", [version_id]))


def aliases(db: Database, article_id: int) -> list[dict]:
    return list(db.query("select url, first_seen, last_seen from url_aliases where article_id = ? order by url",
                         [article_id]))


def events(db: Database, article_id: int) -> list[dict]:
    return list(db.query("select * from article_events where article_id = ? order by at, id", [article_id]))


def article_ids_by_key(db: Database, keys: list[str]) -> dict[str, int]:
    """The archived article behind each identity key (for links between articles)."""
    found: dict[str, int] = {}
    for key in set(keys):
        row = db.execute("select article_id from url_aliases where identity_key = ? limit 1", [key]).fetchone()
        if row:
            found[key] = row[0]
    return found


def changed(db: Database, limit: int = 200) -> list[dict]:
    """Articles with more than one version, the most recently changed first."""
    return list(db.query(
        """select a.id, a.title, a.published, a.category_path, a.category_label, count(v.id) as versions,
                  max(v.first_seen) as changed_at
           from articles a join article_versions v on v.article_id = a.id
           group by a.id having count(v.id) > 1 order by changed_at desc, a.id desc limit ?""", [limit]))


def removed(db: Database, limit: int = 500) -> list[dict]:
    """Articles found gone from the portal, the latest first, with the evidence of their removal."""
    return list(db.query(
        """select a.id, a.title, a.published, a.category_path, a.category_label, a.removed_at, a.last_seen,
                  e.url, e.status, e.evidence, e.warc_record_id
           from articles a
           left join article_events e on e.id = (select max(id) from article_events
                                                 where article_id = a.id and event = 'removed')
           where a.removed_at is not null and a.removed_at != ''
           order by a.removed_at desc, a.id desc limit ?""", [limit]))


def feed(db: Database, limit: int = FEED_ENTRIES) -> list[dict]:
    """New and changed articles, newest first: one entry per version, `new` for an article's first version."""
    return list(db.query(
        """select v.id as version_id, v.article_id, v.title, v.lead, v.first_seen, v.url, a.category_label,
                  a.canonical_url,
                  (select count(*) from article_versions p where p.article_id = v.article_id and p.id < v.id)
                    as number_before
           from article_versions v join articles a on a.id = v.article_id
           order by v.first_seen desc, v.id desc limit ?""", [limit]))


def media(db: Database, digest: str) -> dict | None:
    """The stored bytes of an image or file: where they are, their type, and a name to offer."""
    row = next(iter(db.query("select path, mime, '' as filename, 'image' as kind from images where digest = ?",
                             [digest])), None)
    if row is None:
        row = next(iter(db.query("select path, mime, filename, 'file' as kind from files where digest = ?",
                                 [digest])), None)
    if row is not None and not row["filename"]:
        named = db.execute("select filename from media_urls where digest = ? and filename != '' limit 1",
                           [digest]).fetchone()
        row["filename"] = named[0] if named else ""
    return row
