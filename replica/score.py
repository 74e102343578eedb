"""How well an archive read the replica: each page of the ground truth against the archive's SQLite database,
field by field, and per-field accuracy per template family as a table.

Pure: the truth dict (`replica.truth.ground_truth`, or `/_replica/truth`) and the path of `archive.db`; no Scrapy,
no server. A page is found through `url_aliases` (any of its truth URLs, normalised as the archive stores them).
What counts as right, per field:

- title, author, lead: equal after NFC and squashing whitespace (an empty truth lead wants an empty lead);
- published: the same day (Vietnam time) when the truth's precision is `day` (a time the page showed is no
  error), the same instant to the second when it is `second`;
- category: the archive's category is one of the page's `categories`, and when it is the page's own, its label
  (`articles_latest.category_label`) is the truth's `category_label`;
- body: token F1 of the body (tokens: NFC words) at least `body_threshold` (0.99); the F1 itself is kept;
- images: the archive's images of the current version, those the truth marks broken left out, are exactly the
  truth's other images (same file whichever portal host or scheme), each with its caption exact; a lazy-loading
  placeholder or any other extra image fails the page;
- attachments: exactly the truth's files, each named by its decoded file name (`media_urls.filename`, the
  server's Content-Disposition name, else `attachments.filename`), NFC;
- canonical: the archive's canonical URL is one of the truth's `urls` (all of which answer 200).

A page not found fails every field. `found` is a field too.
"""

from __future__ import annotations

import sqlite3
import sys
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from w3lib.url import canonicalize_url, safe_url_string

VN = timezone(timedelta(hours=7))
PORTAL_HOSTS = ("thoxuan.thanhhoa.gov.vn", "thoxuan.vn")
FIELDS = ("found", "title", "published", "category", "author", "lead", "body", "images", "attachments", "canonical")


def text(value: str | None) -> str:
    """NFC, whitespace squashed."""
    return " ".join(unicodedata.normalize("NFC", value or "").split())


def tokens_f1(expected: str, got: str) -> float:
    want, have = Counter(text(expected).split()), Counter(text(got).split())
    common = sum((want & have).values())
    if not common:
        return 0.0 if want or have else 1.0
    precision, recall = common / sum(have.values()), common / sum(want.values())
    return 2 * precision * recall / (precision + recall)


def same_resource(url: str) -> str:
    """One key per file whichever portal host or scheme served it (other hosts keep their name), its path decoded
    and its query in a canonical order, as the archive normalises addresses."""
    parts = urlsplit(url)
    query = "&".join(f"{k}={v}" for k, v in sorted(parse_qsl(parts.query, keep_blank_values=True)))
    where = unquote(parts.path) + (f"?{query}" if query else "")
    return where if (parts.hostname or "") in PORTAL_HOSTS else f"{parts.hostname}{where}"


def _normalise(url: str) -> str:
    """One spelling per URL, as any archive would store it (w3lib's canonical form); the replica imports nothing
    of the archive it scores."""
    return canonicalize_url(safe_url_string(url), keep_fragments=False)


def same_moment(want: str, precision: str, got: str | None) -> bool:
    if not got:
        return False
    try:
        expected, actual = datetime.fromisoformat(want), datetime.fromisoformat(got)
    except ValueError:
        return False
    if actual.tzinfo is None:
        actual = actual.replace(tzinfo=VN)
    if precision == "day":
        return actual.astimezone(VN).date() == expected.astimezone(VN).date()
    return actual == expected


@dataclass
class PageScore:
    """One page of the truth: which fields the archive got right, and why not."""

    id: str
    url: str  # the truth's canonical URL
    kind: str
    template: str
    fields: dict[str, bool]
    body_f1: float = 0.0
    problems: list[str] = field(default_factory=list)


@dataclass
class Report:
    family: str
    pages: list[PageScore]
    extra: list[str] = field(default_factory=list)  # archive articles that are no page of the truth

    def accuracy(self) -> dict[str, float]:
        """Per field, the share of the truth's pages the archive got right (0..1)."""
        n = len(self.pages) or 1
        return {name: sum(p.fields[name] for p in self.pages) / n for name in FIELDS}

    @property
    def mean_body_f1(self) -> float:
        return sum(p.body_f1 for p in self.pages) / (len(self.pages) or 1)

    def failures(self, name: str) -> list[PageScore]:
        return [p for p in self.pages if not p.fields[name]]

    @property
    def perfect(self) -> bool:
        return not self.extra and all(all(p.fields.values()) for p in self.pages)


def score(truth: dict, db_path: str | Path, family: str = "", body_threshold: float = 0.99) -> Report:
    """Compare every page of `truth` with the archive database at `db_path`."""
    db = sqlite3.connect(f"file:{Path(db_path)}?mode=ro", uri=True)
    db.row_factory = sqlite3.Row
    try:
        return _score(truth, db, family, body_threshold)
    finally:
        db.close()


def _score(truth: dict, db: sqlite3.Connection, family: str, body_threshold: float) -> Report:
    alias = {row["url"]: row["article_id"] for row in db.execute("select url, article_id from url_aliases")}
    articles = {row["id"]: row for row in db.execute("select * from articles")}
    try:
        labels = {r["id"]: r["category_label"] for r in db.execute("select id, category_label from articles_latest")}
    except sqlite3.OperationalError:
        labels = {i: a["category_label"] for i, a in articles.items()}
    served_as = {}
    for row in db.execute("select url, filename from media_urls order by last_seen"):
        if row["filename"]:
            served_as[same_resource(row["url"])] = row["filename"]
    pages, matched = [], set()
    for page in truth["pages"]:
        urls = {_normalise(u) for u in page["urls"]}
        ids = {alias.get(u) for u in urls} - {None}
        ids |= {i for i, a in articles.items() if a["canonical_url"] in urls}
        result = PageScore(page["id"], page["canonical_url"], page["kind"], page["template"],
                           dict.fromkeys(FIELDS, False))
        pages.append(result)
        if len(ids) != 1:
            result.problems.append(f"found as articles {sorted(ids)}" if ids else "not in the archive")
            continue
        article = articles[ids.pop()]
        matched.add(article["id"])
        check = result.fields
        check["found"] = True
        want = expected(page, family)
        for name in ("title", "author", "lead"):
            check[name] = text(article[name]) == text(want[name])
            if not check[name]:
                result.problems.append(f"{name}: {article[name]!r} != {want[name]!r}")
        check["published"] = same_moment(page["published"], page["published_precision"], article["published"])
        if not check["published"]:
            result.problems.append(f"published: {article['published']!r} != {page['published']!r} "
                                   f"({page['published_precision']})")
        category = article["category_path"]
        check["category"] = category in page["categories"] and (
            category != page["category_path"] or text(labels.get(article["id"])) == text(page["category_label"]))
        if not check["category"]:
            result.problems.append(f"category: {category!r} ({labels.get(article['id'])!r}) not {page['categories']}")
        result.body_f1 = tokens_f1(" ".join(want["body"]), article["body"] or "")
        check["body"] = result.body_f1 >= body_threshold
        if not check["body"]:
            result.problems.append(f"body: token F1 {result.body_f1:.3f}")
        version = article["current_version_id"]
        check["images"] = _images(db, version, page, result.problems)
        check["attachments"] = _attachments(db, version, page, served_as, result.problems)
        check["canonical"] = _normalise(article["canonical_url"] or "") in urls
        if not check["canonical"]:
            result.problems.append(f"canonical: {article['canonical_url']!r} is none of the page's URLs")
    extra = [a["canonical_url"] for i, a in sorted(articles.items()) if i not in matched]
    return Report(family, pages, extra)


def expected(page: dict, family: str) -> dict:
    """What a reader of the page in this family sees: where the family does not set the lead apart from the body,
    there is no lead to find, and the lead's paragraph is the body's first (nobody could tell it from the rest)."""
    from replica.families import FAMILIES

    if not family or family not in FAMILIES or FAMILIES[family].lead_set_apart or not page["lead"]:
        return page
    return {**page, "lead": "", "body": [page["lead"], *page["body"]]}


def _images(db: sqlite3.Connection, version, page: dict, problems: list[str]) -> bool:
    broken = {same_resource(i["url"]) for i in page["images"] if i["broken"]}
    want = sorted((same_resource(i["url"]), text(i["caption"])) for i in page["images"] if not i["broken"])
    rows = db.execute("select url, caption from article_images where version_id = ? order by position", [version])
    got = sorted((key, text(r["caption"])) for r in rows if (key := same_resource(r["url"])) not in broken)
    if got != want:
        problems.append(f"images: {got} != {want}")
    return got == want


def _attachments(db: sqlite3.Connection, version, page: dict, served_as: dict, problems: list[str]) -> bool:
    want = sorted((same_resource(a["url"]), text(a["filename"])) for a in page["attachments"])
    rows = db.execute("select url, filename from attachments where version_id = ? order by position", [version])
    got = sorted((key, text(served_as.get(key) or r["filename"])) for r in rows if (key := same_resource(r["url"])))
    if got != want:
        problems.append(f"attachments: {got} != {want}")
    return got == want


def format_table(reports: Mapping[str, Report] | Iterable[Report]) -> str:
    """Per-field accuracy (%) per family, one row each, with the pages scored and the mean body F1."""
    items = list(reports.values()) if isinstance(reports, Mapping) else list(reports)
    heads = ["family", "pages", *FIELDS, "body F1", "extra"]
    rows = []
    for report in items:
        acc = report.accuracy()
        rows.append([report.family or "-", str(len(report.pages)), *(f"{100 * acc[f]:.1f}" for f in FIELDS),
                     f"{report.mean_body_f1:.3f}", str(len(report.extra))])
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(heads)]
    line = lambda cells: "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))  # noqa: E731
    return "\n".join([line(heads), line(["-" * w for w in widths]), *(line(r) for r in rows)])


def print_table(reports: Mapping[str, Report] | Iterable[Report], file=None) -> None:
    print(format_table(reports), file=file or sys.stdout)


def main(argv: list[str] | None = None) -> int:
    """`python -m replica.score TRUTH.json ARCHIVE.db [FAMILY]`: the table, then the first problems."""
    import json

    args = sys.argv[1:] if argv is None else argv
    if len(args) not in (2, 3):
        print(main.__doc__, file=sys.stderr)
        return 2
    with open(args[0], encoding="utf-8") as f:
        report = score(json.load(f), args[1], args[2] if len(args) == 3 else "")
    print_table([report])
    for page in report.pages:
        for problem in page.problems[:3]:
            print(f"{page.url}: {problem}")
    return 0 if report.perfect else 1


if __name__ == "__main__":
    sys.exit(main())
