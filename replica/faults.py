"""Faults the replica can inject, off by default and switched on by name, and the pages each one hits."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from replica.content import MAIN_HOST, Page, Site
from replica.hostile import HOSTILE_FAULTS

FAULTS = {
    "transient-500": "the first request for each target answers 500 Internal Server Error, later ones succeed",
    "retry-after-503": "the first request for each target answers 503 with Retry-After: 1, later ones succeed",
    "slow": "each target answers only after the slow delay (3 s unless set)",
    "reset": "the first request for each target is cut by a TCP reset halfway through the body",
    "truncated": "the first request for each target announces a Content-Length larger than the body it sends, then closes",
    "malformed-html": "the targets are served with unclosed and stray tags and no end of document",
    "wrong-charset": "the target's Content-Type header says ISO-8859-1; its bytes (and its meta tag) are UTF-8",
    "xss": "the target carries <script>, onerror/onclick handlers, a javascript: link and remote tracker resources",
}
CONTENT_FAULTS = ("malformed-html", "wrong-charset", "xss")
TRANSIENT = ("transient-500", "retry-after-503", "reset", "truncated")
# Hostile input (replica/hostile.py): switched on by name, or all of them as "hostile"; "all" leaves them off.
EVERY_FAULT = {**FAULTS, **HOSTILE_FAULTS}


def parse_faults(names: str | list[str] | tuple[str, ...]) -> frozenset[str]:
    """Fault names from "a,b" or a list; "all" switches every fault of FAULTS on, "hostile" every hostile one.

    Unknown names are an error.
    """
    items = names.split(",") if isinstance(names, str) else list(names)
    chosen = {n.strip() for n in items if n.strip()}
    if "all" in chosen:
        chosen = (chosen - {"all"}) | set(FAULTS)
    if "hostile" in chosen:
        chosen = (chosen - {"hostile"}) | set(HOSTILE_FAULTS)
    unknown = chosen - EVERY_FAULT.keys()
    if unknown:
        raise ValueError(f"unknown fault(s) {', '.join(sorted(unknown))}; known: {', '.join(EVERY_FAULT)}, "
                         "all, hostile")
    return frozenset(chosen)


def fault_targets(site: Site) -> dict[str, list[str]]:
    """Paths (decoded, on the main host) that each fault hits; chosen by rule so that every size has them."""
    plain = sorted((p for p in site.pages if p.kind == "article" and MAIN_HOST in p.hosts and not p.changes
                    and not p.also_in and not any(i.broken or i.large for i in p.images)), key=lambda p: p.id)
    docs = sorted((p for p in site.pages if p.kind == "document" and MAIN_HOST in p.hosts), key=lambda p: p.id)
    used: set[str] = set()

    def take(test=lambda p: True) -> Page | None:
        """A page for one fault; each page serves one fault only, unless a small site has run out."""
        fits = [p for p in plain if test(p)] or [p for p in site.pages if p.kind == "article" and test(p)]
        page = next((p for p in fits if p.id not in used), fits[0] if fits else None)
        if page is not None:
            used.add(page.id)
        return page

    def path(page: Page | None) -> list[str]:
        return [page.path_in(page.category, MAIN_HOST)] if page else []

    def image(page: Page | None) -> list[str]:
        return [page.images[0].path] if page else []

    new = lambda p: p.template == "new" and not p.nfd and MAIN_HOST in p.hosts  # noqa: E731
    pictured = lambda p: new(p) and p.images and all(i.host == MAIN_HOST and not i.broken for i in p.images)  # noqa: E731
    picks = {
        "transient-500": path(take()) + path(take()) + ["/web/trang-chu/tin-tuc-su-kien/kinh-te-xa-hoi?page=2"],
        "retry-after-503": path(take()) + ["/web/trang-chu/van-ban"],
        "slow": path(take()),
        "reset": path(take()) + image(take(pictured)),
        "truncated": path(take()) + ([docs[-1].attachments[0].path] if docs else []),
        "malformed-html": path(take(lambda p: p.template == "old" and MAIN_HOST in p.hosts)) + path(take(new)),
        "wrong-charset": path(take(new)),
        "xss": path(take(pictured)),
    }
    # The carriers of the hostile faults: chosen after the others, so that those keep their pages.
    # Each on the main host only: served clean by the other host, it would change on every visit of either.
    alone = lambda p: p.hosts == (MAIN_HOST,)  # noqa: E731
    # The xss-variants carrier first, the choosiest: its <base> sends relative URLs elsewhere, so a page without
    # images (the others write their links absolute, so that they hold even on a page that carries it too).
    picks["xss-variants"] = path(take(lambda p: alone(p) and not p.images and not p.attachments))
    for name in HOSTILE_FAULTS:
        if name != "xss-variants":
            picks[name] = path(take(alone))
    return {name: picks[name] for name in (*FAULTS, *HOSTILE_FAULTS)}


@dataclass
class FaultState:
    """Which faults are on, and how often each target has been asked for since they were switched on."""

    enabled: frozenset[str] = frozenset()
    slow_seconds: float = 3.0
    attempts: Counter = field(default_factory=Counter)

    def switch(self, enabled: frozenset[str]) -> None:
        self.enabled = enabled
        self.attempts.clear()

    def behaviour(self, key: str, targets: dict[str, list[str]]) -> str | None:
        """The fault to act out for this request of `key`, if any, counting the attempt."""
        for name in ("slow", *TRANSIENT):
            if name in self.enabled and key in targets[name]:
                self.attempts[(name, key)] += 1
                if name == "slow" or self.attempts[(name, key)] == 1:
                    return name
        return None

    def content(self, key: str, targets: dict[str, list[str]]) -> str:
        """The content fault to render the page `key` with: one of CONTENT_FAULTS, or the hostile ones joined by "+"
        (a small site may have to carry several on one page)."""
        found = next((name for name in CONTENT_FAULTS if name in self.enabled and key in targets[name]), "")
        return found or "+".join(name for name in HOSTILE_FAULTS if name in self.enabled and key in targets[name])
