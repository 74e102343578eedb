"""The ground truth of one epoch: what a perfect archive of the replica holds, as plain JSON-able data.

Text is NFC whatever the page stored; body paragraphs are the lead's followers without indentation,
`&nbsp;`-only paragraphs, captions or the author line; captions are given without their parentheses.
Image URLs are resolved against the page's canonical URL and given decoded (unquoted).
"""

from __future__ import annotations

import math
from urllib.parse import unquote, urljoin

from replica.catalog import PAGE_SIZE, listings_of
from replica.content import CATEGORY, MAIN_HOST, PORTAL_HOSTS, PROVINCE_HOST, Page, Site
from replica import hostile
from replica.faults import EVERY_FAULT, fault_targets
from replica.markup import BANNER, category_href, encoded, image_src


def page_urls(page: Page) -> list[str]:
    """Every URL the page answers at: both hosts, both schemes, raw and percent-encoded paths, every category."""
    urls = []
    for host in page.hosts:
        for category in (page.category, *(page.also_in if host == MAIN_HOST else ())):
            path = page.path_in(category, host)
            for form in dict.fromkeys((path, encoded(path))):
                urls += [f"https://{host}{form}", f"http://{host}{form}"]
    return urls


def page_truth(page: Page, pages_by_id: dict[str, Page]) -> dict:
    host = page.hosts[0]
    path = page.path_in(page.category, host)
    canonical = page.canonical_url
    precision = "second" if page.template == "old" else "day"
    published = page.published if precision == "second" else page.published.replace(hour=0, minute=0, second=0)
    links = []
    for _, _, dest in page.links:
        links.append(dest if dest.startswith("http") else pages_by_id[dest].canonical_url)
    return {
        "id": page.id,
        "kind": page.kind,
        "canonical_url": canonical,
        "urls": page_urls(page),
        "title": page.title,
        "published": published.isoformat(),
        "published_precision": precision,
        "date": page.published.date().isoformat(),
        "category_path": page.category,
        "category_label": CATEGORY[page.category].label,
        "categories": [page.category, *page.also_in],
        "lead": page.lead,
        "body": list(page.body),
        "images": [{"url": unquote(urljoin(canonical, image_src(img, host, path))),
                    "src": image_src(img, host, path), "caption": img.caption, "broken": img.broken,
                    "large": img.large, "version": img.version} for img in page.images],
        "attachments": [{"url": f"https://{host}{a.path}", "filename": a.filename, "link_text": a.link_text,
                         "content_type": a.content_type, "content_disposition": a.disposition,
                         # how the name is written in Content-Disposition ("" when the URL names the file);
                         # `filename` is always the decoded NFC name, whatever form or normalisation was sent
                         "disposition_form": a.disposition_form if a.disposition else "",
                         "disposition_nfd": a.name_nfd}
                        for a in page.attachments],
        "author": page.author,
        "links": links,
        "template": page.template,
        "nfd": page.nfd,
        "hosts": list(page.hosts),
        "changes": list(page.changes),
        "last_modified": page.last_modified.isoformat(),
    }


def ground_truth(site: Site) -> dict:
    by_id = site.by_id()
    listings = []
    for (host, category), items in sorted(listings_of(site).items()):
        listings.append({"host": host, "category_path": category, "label": CATEGORY[category].label,
                         "url": f"https://{host}{category_href(category, host)}",
                         "items": len(items), "pages": max(1, math.ceil(len(items) / PAGE_SIZE))})
    return {
        "seed": site.seed,
        "articles": site.articles,
        "epoch": site.epoch,
        "hosts": {"portal": list(PORTAL_HOSTS), "province": PROVINCE_HOST},
        "pages": [page_truth(p, by_id) for p in site.pages],
        "removed": [{"id": p.id, "how": p.removed, "canonical_url": p.canonical_url, "urls": page_urls(p),
                     "title": p.title, "changes": list(p.changes)} for p in site.removed],
        "listings": listings,
        "offsite_pages": [f"https://{PROVINCE_HOST}{path}" for path, _, _ in site.offsite],
        "banner": f"https://{MAIN_HOST}{BANNER}",
        # `urls`: the pages each fault hits (for a hostile fault, the article that links what it serves);
        # `targets`: for a hostile fault, what it serves (replica/hostile.py).
        "faults": {name: {"what": EVERY_FAULT[name],
                          "urls": [f"https://{MAIN_HOST}{path}" for path in paths],
                          **({"targets": hostile.targets()[name]} if name in hostile.HOSTILE_FAULTS else {})}
                   for name, paths in fault_targets(site).items()},
    }
