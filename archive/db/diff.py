"""What changed between two versions of an article, paragraph by paragraph."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from sqlite_utils import Database

from archive.urls import normalise


@dataclass
class Change:
    kind: str  # "title", "published", "author", "lead", "body", "captions"
    removed: list[str]
    added: list[str]


def find_article(db: Database, ref: str) -> int | None:
    """An article by id, or by any URL it was seen at."""
    if ref.isdigit():
        row = db.execute("select id from articles where id = ?", [int(ref)]).fetchone()
    else:
        row = db.execute("select article_id from url_aliases where url = ?", [normalise(ref)]).fetchone()
    return row[0] if row else None


def versions(db: Database, article_id: int) -> list[dict]:
    return list(db.query("select * from article_versions where article_id = ? order by id", [article_id]))


def captions(db: Database, version_id: int) -> list[str]:
    return [c for (c,) in db.execute("select caption from article_images where version_id = ? order by position",
                                     [version_id])]


def changes(db: Database, old: dict, new: dict) -> list[Change]:
    """Fields that differ; the body and captions as the paragraphs removed and added, in order."""
    found = []
    for field in ("title", "published", "author", "lead"):
        if old[field] != new[field]:
            found.append(Change(field, [old[field] or ""], [new[field] or ""]))
    for field, a, b in (("body", (old["body"] or "").split("\n\n"), (new["body"] or "").split("\n\n")),
                        ("captions", captions(db, old["id"]), captions(db, new["id"]))):
        matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag != "equal":
                found.append(Change(field, a[i1:i2], b[j1:j2]))
    return found


def word_runs(old: str, new: str) -> list[tuple[bool, str, str]]:
    """One paragraph against its edit, word by word: (same, old words, new words) runs, in order."""
    a, b = old.split(), new.split()
    return [(tag == "equal", " ".join(a[i1:i2]), " ".join(b[j1:j2]))
            for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes()]


def word_diff(old: str, new: str) -> str:
    """One paragraph's edit, inline: [-removed words-] {+added words+}."""
    out = []
    for same, removed, added in word_runs(old, new):
        if same:
            out.append(removed)
            continue
        if removed:
            out.append("[-" + removed + "-]")
        if added:
            out.append("{+" + added + "+}")
    return " ".join(out)
