"""Full-text search of the archived articles, in Vietnamese with or without diacritics."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from sqlite_utils import Database

from archive.text import fold, fold_with_map

if TYPE_CHECKING:
    from archive.db.store import Archive

# A quoted phrase, or one word. Words are letters and digits only: whatever else the user typed (FTS5 operators,
# stray quotes, `*`, `:`, `(`) separates words and never reaches the query parser.
PART = re.compile(r'"([^"]*)"|([^\W_]+)')
WORD = re.compile(r"[^\W_]+")
SNIPPET_WIDTH = 200
SNIPPET_BEFORE = 60
# What a search may ask, in the web UI: a long sentence pasted whole, not a page of text (each word is one more
# term for the index to intersect).
MAX_QUERY_CHARS = 1000
MAX_QUERY_WORDS = 50


@dataclass(frozen=True)
class SearchResult:
    article_id: int
    title: str
    published: str | None
    category_path: str
    canonical_url: str
    snippet: str  # the best matching passage, each match [in brackets]
    rank: float  # FTS5 bm25: lower is better (0 when no words were asked for)
    category_label: str = ""


@dataclass(frozen=True)
class Filters:
    """What a search is narrowed to, besides its words. Dates are `YYYY-MM-DD` (Vietnam time), both ends included."""

    category: str = ""  # a category path, or a parent of it (`tin-tuc-su-kien` takes its sub-categories)
    year: str = ""
    date_from: str = ""
    date_to: str = ""


@dataclass(frozen=True)
class SearchPage:
    results: list[SearchResult]
    total: int  # matches in all, before paging
    categories: list[tuple[str, str, int]]  # facet: (path, label, matches), most first, ignoring the category filter
    years: list[tuple[str, int]]  # facet: (year, matches), newest first, ignoring the year filter


def phrases(query: str) -> list[tuple[str, ...]]:
    """The folded words of a query, grouped: a phrase in double quotes stays one group, any other word is its own."""
    groups: list[tuple[str, ...]] = []
    for quoted, word in PART.findall(fold(query)):
        words = tuple(WORD.findall(quoted)) if quoted else (word,)
        if words:
            groups.append(words)
    return groups


def fts_query(query: str) -> str:
    """User input as a safe FTS5 query on the folded column: every word matches, phrases in order ("" if no word)."""
    return _match(phrases(query))


def _match(groups: list[tuple[str, ...]]) -> str:
    if not groups:
        return ""
    return "folded : (" + " ".join('"' + " ".join(words) + '"' for words in groups) + ")"


def search(source: Database | Archive, query: str, limit: int = 20, offset: int = 0) -> list[SearchResult]:
    """Articles matching every word of `query` (diacritics, case and đ/d ignored), best first."""
    db = source if isinstance(source, Database) else source.db
    groups = phrases(query)
    if not groups or limit <= 0:
        return []
    # Ranked in the index first, then only the page of results is read from `articles` (its rowid is its id):
    # joining first would read every matching article's text before sorting.
    rows = db.execute(
        "select a.id, a.title, a.published, a.category_path, a.canonical_url, a.lead, a.body, a.captions, f.rank "
        "from (select rowid, rank from articles_fts where articles_fts match ? order by rank, rowid limit ? offset ?) f "
        "join articles a on a.rowid = f.rowid order by f.rank, a.id",
        [_match(groups), int(limit), max(0, int(offset))]).fetchall()
    return [
        SearchResult(
            article_id=id_, title=title or "", published=published, category_path=category_path,
            canonical_url=canonical_url, snippet=snippet([lead, body, captions, title], groups), rank=rank,
        )
        for id_, title, published, category_path, canonical_url, lead, body, captions, rank in rows
    ]


def snippet(texts: list[str | None], groups: list[tuple[str, ...]], width: int = SNIPPET_WIDTH,
            marks: tuple[str, str] = ("[", "]")) -> str:
    """A passage, in its own spelling, of the text that matches most of the query, every match [bracketed]
    (between `marks`, which are taken out of the text first)."""
    texts = [t.replace(marks[0], "").replace(marks[1], "") if t else t for t in texts]
    groups = list(dict.fromkeys(groups))
    starting: dict[str, list[tuple[str, ...]]] = {}  # first word → the groups that begin with it
    for words in groups:
        starting.setdefault(words[0], []).append(words)
    best: tuple[int, str, list[tuple[int, int]]] = (0, next((t for t in texts if t), ""), [])
    for text in texts:
        if not text:
            continue
        folded, origins = fold_with_map(text)
        # One pass over the text's words, whatever the number of query words: a word starts the groups that
        # begin with it, and a phrase matches when the words after it follow.
        tokens = [(m.group(), m.start(), m.end()) for m in WORD.finditer(folded)]
        spans: list[tuple[int, int]] = []
        matched: set[tuple[str, ...]] = set()
        for i, (word, start, _) in enumerate(tokens):
            for words in starting.get(word, ()):
                last = i + len(words) - 1
                if last < len(tokens) and all(tokens[i + k][0] == w for k, w in enumerate(words[1:], 1)):
                    spans.append((origins[start], origins[tokens[last][2] - 1] + 1))
                    matched.add(words)
        if len(matched) > best[0]:
            best = (len(matched), text, spans)
    return _passage(best[1], best[2], width, marks)


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for left, right in sorted(spans):
        if merged and left <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(right, merged[-1][1]))
        else:
            merged.append((left, right))
    return merged


def _passage(text: str, spans: list[tuple[int, int]], width: int, marks: tuple[str, str]) -> str:
    spans = _merge(spans)
    first = spans[0][0] if spans else 0
    start = max(0, first - SNIPPET_BEFORE)
    if start:  # begin at a word
        space = text.find(" ", start, first)
        start = space + 1 if space >= 0 else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", spans[0][1] if spans else start + 1, end)
        end = space if space > 0 else end
    out: list[str] = ["…" if start else ""]
    at = start
    for left, right in spans:
        left, right = max(left, at), min(right, end)
        if left >= right:
            continue
        out += [text[at:left], marks[0], text[left:right], marks[1]]
        at = right
    out += [text[at:end], "…" if end < len(text) else ""]
    return " ".join("".join(out).split())


DATE = re.compile(r"\d{4}-\d\d-\d\d")
YEAR = re.compile(r"\d{4}")


def search_page(source: Database | Archive, query: str, filters: Filters = Filters(), limit: int = 20,
                offset: int = 0, marks: tuple[str, str] = ("[", "]")) -> SearchPage:
    """One page of a search with filters and facets, for the web UI.

    With words, matches are ranked best first; with none, every article passing the filters is listed, newest first.
    Filters that are not well formed (`2024-13-01`, a year of letters), and queries longer than MAX_QUERY_CHARS or
    with more than MAX_QUERY_WORDS words, raise ValueError.
    """
    db = source if isinstance(source, Database) else source.db
    for value in (filters.date_from, filters.date_to):
        if value and not _is_date(value):
            raise ValueError(f"not a date (YYYY-MM-DD): {value!r}")
    if filters.year and not YEAR.fullmatch(filters.year):
        raise ValueError(f"not a year: {filters.year!r}")
    if len(query) > MAX_QUERY_CHARS:
        raise ValueError(f"the query is too long: at most {MAX_QUERY_CHARS} characters")
    groups = phrases(query)
    if sum(len(words) for words in groups) > MAX_QUERY_WORDS:
        raise ValueError(f"the query has too many words: at most {MAX_QUERY_WORDS}")
    if query.strip() and not groups:  # only punctuation: nothing can match
        return SearchPage([], 0, [], [])
    match = _match(groups)
    source_sql = ("articles_fts join articles a on a.rowid = articles_fts.rowid" if match else "articles a")

    def where(skip: str = "") -> tuple[str, list]:
        parts, params = [], []
        if match:
            parts.append("articles_fts match ?")
            params.append(match)
        if filters.category and skip != "facets":
            parts.append("(a.category_path = ? or a.category_path like ? escape '\\')")
            params += [filters.category, _like_prefix(filters.category) + "/%"]
        if filters.year and skip != "facets":
            parts.append("substr(a.published, 1, 4) = ?")
            params.append(filters.year)
        if filters.date_from:
            parts.append("a.published >= ?")
            params.append(filters.date_from)
        if filters.date_to:  # the whole day: every time of that day sorts before the next day
            parts.append("a.published < ?")
            params.append(filters.date_to + "~")
        return (" where " + " and ".join(parts)) if parts else "", params

    clause, params = where(skip="facets")
    # One pass over the matches gives the total and both facets: (category, year) groups, summed below.
    groups_seen = db.execute(
        f"""select a.category_path, substr(a.published, 1, 4), max(a.category_label), count(*)
            from {source_sql}{clause} group by 1, 2""", params).fetchall()
    labels = dict(db.execute("select path, label from categories where label != ''").fetchall())
    in_category = (lambda path: path == filters.category or (path or "").startswith(filters.category + "/")) \
        if filters.category else (lambda path: True)
    in_year = (lambda year: year == filters.year) if filters.year else (lambda year: True)
    total, by_category, by_year, label_of = 0, {}, {}, {}
    for path, year, label, count in groups_seen:
        path = path or ""
        label_of[path] = labels.get(path) or label or ""
        if in_year(year):
            by_category[path] = by_category.get(path, 0) + count
        if in_category(path):
            if year:
                by_year[year] = by_year.get(year, 0) + count
            if in_year(year):
                total += count
    categories = sorted(((path, label_of[path], n) for path, n in by_category.items()), key=lambda c: (-c[2], c[0]))
    years = sorted(by_year.items(), reverse=True)
    clause, params = where()
    if match and clause == " where articles_fts match ?":  # ranked in the index, then only the page is read
        rows = db.execute(
            """select a.id, a.title, a.published, a.category_path, a.canonical_url, a.lead, a.body, a.captions,
                      a.category_label, f.rank
               from (select rowid, rank from articles_fts where articles_fts match ? order by rank, rowid
                     limit ? offset ?) f join articles a on a.rowid = f.rowid order by f.rank, a.id""",
            [match, int(limit), max(0, int(offset))]).fetchall()
    else:
        order = "articles_fts.rank, a.id" if match else "a.published desc, a.id desc"
        rank = "articles_fts.rank" if match else "0"
        rows = db.execute(
            f"""select a.id, a.title, a.published, a.category_path, a.canonical_url, a.lead, a.body, a.captions,
                       a.category_label, {rank} from {source_sql}{clause}
                order by {order} limit ? offset ?""", [*params, int(limit), max(0, int(offset))]).fetchall()
    results = [
        SearchResult(article_id=r[0], title=r[1] or "", published=r[2], category_path=r[3] or "", canonical_url=r[4],
                     snippet=snippet([r[5], r[6], r[7], r[1]], groups, marks=marks) if groups else _lead(r[5]),
                     rank=r[9], category_label=labels.get(r[3] or "") or r[8] or "")
        for r in rows
    ]
    return SearchPage(results, total, categories, years)


def _is_date(text: str) -> bool:
    if not DATE.fullmatch(text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:  # 2024-13-01, 2023-02-30
        return False
    return True


def _like_prefix(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _lead(text: str | None, width: int = SNIPPET_WIDTH) -> str:
    text = " ".join((text or "").split())
    if len(text) <= width:
        return text
    cut = text.rfind(" ", 0, width)
    return text[:cut if cut > 0 else width] + " …"
