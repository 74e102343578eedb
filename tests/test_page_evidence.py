"""Every field says how it was found; thin evidence is "none", and the archive keeps the evidence per version."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from archive.db.store import Archive
from page_snippets import HEADLINE, P1, P2, P3, URL, page, read

FIELDS = {"title", "published", "lead", "body", "author", "images", "captions", "attachments"}


def test_every_field_has_a_method_and_a_confidence():
    got = read(page(f"<article><h2>{HEADLINE}</h2><div>Đăng lúc: 13/12/2022</div><p>{P1}</p><p>{P2}</p><p>{P3}</p>"
                    "</article>"))
    assert FIELDS <= set(got.evidence)
    for method, confidence in got.evidence.values():
        assert isinstance(method, str) and 0.0 <= confidence <= 1.0
        assert (method == "none") == (confidence == 0.0)
    assert got.evidence["images"] == ("none", 0.0) and got.evidence["attachments"] == ("none", 0.0)


def test_the_evidence_is_stored_with_the_version(tmp_path):
    got = read(page(f"<article><h2>{HEADLINE}</h2><div>Đăng lúc: 13/12/2022</div><p><b>{P1}</b></p><p>{P2}</p>"
                    f"<p>{P3}</p></article>"))
    with Archive(tmp_path) as archive:
        run = archive.start_run()
        archive.save_page(run, got, datetime.now(timezone.utc))
        stored = archive.db.execute("select extraction from article_versions").fetchone()[0]
    evidence = json.loads(stored)
    assert evidence["title"][0].startswith("title-tag") and evidence["lead"] == ["bold", 0.9]
