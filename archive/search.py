"""Full-text search of the archived articles, in Vietnamese with or without diacritics."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlite_utils import Database

from archive.text import fold, fold_with_map

if TYPE_CHECKING:
    from archive.store import Archive

# A quoted phrase, or one word. Words are letters and digits only: whatever else the user typed (FTS5 operators,
# stray quotes, `*`, `:`, `(`) separates words and never reaches the query parser.
PART = re.compile(r'"([^"]*)"|([^\W_]+)')
WORD = re.compile(r"[^\W_]+")
SNIPPET_WIDTH = 200
SNIPPET_BEFORE = 60


@dataclass(frozen=True)
class SearchResult:
    article_id: int
    title: str
    published: str | None
    category_path: str
    canonical_url: str
    snippet: str  # the best matching passage, each match [in brackets]
    rank: float  # FTS5 bm25: lower is better


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
    rows = db.table("articles").search(
        _match(groups), columns=["id", "title", "published", "category_path", "canonical_url", "lead", "body", "captions"],
        limit=int(limit), offset=max(0, int(offset)), include_rank=True, order_by="rank, id",
    )
    return [
        SearchResult(
            article_id=row["id"], title=row["title"] or "", published=row["published"],
            category_path=row["category_path"], canonical_url=row["canonical_url"],
            snippet=snippet([row["lead"], row["body"], row["captions"], row["title"]], groups), rank=row["rank"],
        )
        for row in rows
    ]


def snippet(texts: list[str | None], groups: list[tuple[str, ...]], width: int = SNIPPET_WIDTH) -> str:
    """A passage, in its own spelling, of the text that matches most of the query, every match [bracketed]."""
    patterns = [re.compile(r"(?<![^\W_])" + r"[\W_]+".join(map(re.escape, words)) + r"(?![^\W_])")
                for words in groups]
    best: tuple[int, str, list[tuple[int, int]]] = (0, next((t for t in texts if t), ""), [])
    for text in texts:
        if not text:
            continue
        folded, origins = fold_with_map(text)
        found = [[(origins[m.start()], origins[m.end() - 1] + 1) for m in pattern.finditer(folded)]
                 for pattern in patterns]
        matched = sum(1 for spans in found if spans)
        if matched > best[0]:
            best = (matched, text, [span for spans in found for span in spans])
    return _passage(best[1], best[2], width)


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for left, right in sorted(spans):
        if merged and left <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(right, merged[-1][1]))
        else:
            merged.append((left, right))
    return merged


def _passage(text: str, spans: list[tuple[int, int]], width: int) -> str:
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
        out += [text[at:left], "[", text[left:right], "]"]
        at = right
    out += [text[at:end], "…" if end < len(text) else ""]
    return " ".join("".join(out).split())
