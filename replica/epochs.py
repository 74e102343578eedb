"""The site over time: epoch 1 is the base; epoch 2 edits, adds and removes; epoch 3 is epoch 2 unchanged.

`build_site(seed, articles, epoch)` is deterministic, and what an epoch changed is recorded in each page's
`changes` (and `removed` for pages that went away).
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime, timedelta

from replica import vocabulary as V
from replica.content import (ALIAS_HOST, ARTICLE_CATEGORIES, MAIN_HOST, VN_TZ, Page, Site, Writer, base_pages,
                             make_images, topic_key, with_slugs)

# When each epoch of the replica "was crawled": Last-Modified of what an epoch changed.
EPOCH_TIME = {1: datetime(2025, 6, 24, 8, 0, tzinfo=VN_TZ), 2: datetime(2025, 6, 30, 8, 0, tzinfo=VN_TZ),
              3: datetime(2025, 6, 30, 8, 0, tzinfo=VN_TZ)}
EPOCHS = (1, 2, 3)


def _evolve(seed: int, pages: list[Page]) -> tuple[list[Page], list[Page]]:
    """Epoch 2: edits, additions, removals and one image replaced at the same URL."""
    rng = random.Random(seed * 7919 + 2)
    writer = Writer(rng)
    when = EPOCH_TIME[2]
    articles = [p for p in pages if p.kind in ("article", "document")]
    chosen = rng.sample(articles, k=len(articles))
    picks: dict[str, list[Page]] = {}
    pictured = [p for p in chosen if p.images and not p.images[0].broken and not p.images[0].large]
    size = max(2, len(articles) // 40)
    picks["body"] = [p for p in chosen if p.body][:size] + [p for p in pages if p.id == "s01"]
    rest = [p for p in chosen if p not in picks["body"]]
    picks["title"] = rest[:2]
    picks["caption"] = [p for p in pictured if p not in picks["body"] + picks["title"]][:2]
    picks["image"] = [p for p in pictured if p not in picks["body"] + picks["title"] + picks["caption"]][:1]
    taken = {p.id for group in picks.values() for p in group}
    gone = [p for p in rest if p.id not in taken and not p.also_in][:max(3, size)]
    changed: dict[str, Page] = {}
    for field_name, group in picks.items():
        for page in group:
            page = changed.get(page.id, page)
            if field_name == "body":
                idx = rng.randrange(len(page.body))
                body = list(page.body)
                body[idx] = f"{body[idx]} {writer.fill(rng.choice(V.SENTENCES), topic_key(page.category), when)}"
                page = replace(page, body=tuple(body))
            elif field_name == "title":
                page = replace(page, title=f"{page.title} (cập nhật)")
            elif field_name == "caption":
                img = replace(page.images[0], caption=f"{page.images[0].caption} năm {when.year}")
                page = replace(page, images=(img,) + page.images[1:])
            else:
                img = replace(page.images[0], version=2)
                page = replace(page, images=(img,) + page.images[1:])
            # New image bytes at the same URL leave the page's HTML, and so its validators, as they were.
            modified = page.modified if field_name == "image" else when
            changed[page.id] = replace(page, modified=modified, changes=page.changes + (field_name,))
    hows = ["404", "410", "unlisted"] + ["404"] * len(gone)  # one of each, then the common case
    removed = [replace(p, removed=hows[n], modified=when) for n, p in enumerate(gone)]
    gone_ids = {p.id for p in gone}
    kept = [changed.get(p.id, p) for p in pages if p.id not in gone_ids]
    # Links to vanished articles would keep them discoverable: the portal drops them with the article.
    kept = [replace(p, links=tuple(link for link in p.links if link[2] not in gone_ids)) for p in kept]
    new = _new_pages(rng, writer, len(articles), max(3, size))
    return with_slugs(kept + new), removed


def _new_pages(rng: random.Random, writer: Writer, start: int, count: int) -> list[Page]:
    pages = []
    for n in range(count):
        when = datetime(2025, 6, 24, 9, 0, tzinfo=VN_TZ) + timedelta(days=n % 6, hours=n)
        category = ARTICLE_CATEGORIES[n % 3][0]
        key = topic_key(category)
        body = tuple(writer.paragraph(key, when) for _ in range(4))
        images, after = make_images(rng, writer, start + n, category, when, 1, len(body))
        pages.append(Page(f"a{start + n + 1:05d}", "article", category, "", writer.fill(V.TITLE_PATTERNS[1], key, when) + f" (đợt {n + 1})",
                          when, writer.fill(V.LEADS[0], key, when), body, images, after, author=V.AUTHORS[0],
                          hosts=(MAIN_HOST, ALIAS_HOST), changes=("new",)))
    return pages


def build_site(seed: int = 1, articles: int = 300, epoch: int = 1) -> Site:
    """The whole portal at one epoch. Same arguments, same site."""
    if epoch not in EPOCHS:
        raise ValueError(f"epoch must be one of {EPOCHS}, not {epoch}")
    if articles < 20:
        raise ValueError("the replica needs at least 20 articles to plant every quirk")
    pages, offsite = base_pages(seed, articles)
    removed: list[Page] = []
    if epoch >= 2:
        pages, removed = _evolve(seed, pages)
        if epoch == 3:  # the same site as epoch 2, crawled again: nothing changed since
            pages = [replace(p, changes=()) for p in pages]
            removed = [replace(p, changes=()) for p in removed]
    return Site(seed, articles, epoch, pages, removed, offsite)
