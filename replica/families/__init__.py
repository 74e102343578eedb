"""Template families: the same site (URLs, texts, quirks, ground truth) in structurally different markup.

The live portal's markup is unknown. A family is one way a Vietnamese CMS could have written it: its own page
layout, nesting, element types, and order and position of every part of an article (headline, date line, view
counter, lead, body, images and captions, author, files, share bars, tags, related lists, comment form). A
markup seed draws a family's parameters (orders, positions, which of its forms), and picks a family when none
is named. `classic` is replica/markup.py's renderer, the default, whose `--variant` renames classes and nests
wrappers. docs/replica.md ("Template families") tabulates which patterns each family exercises.

Some families are held out (`HOLDOUT`, in `replica/families/holdout/`): they exist to measure how an extractor
does on markup it was not tuned on. Whoever tunes the extractor must not read their code or their pages while
tuning; score on them only after (`replica.score`). The fresh ones (`FRESH`, in `replica/families/fresh/`, also
in `HOLDOUT`) were written after all the others had been used in tuning, to check that it generalises.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from replica.content import Page
from replica.families.fresh import FRESH_CLASSES
from replica.families.holdout import HOLDOUT_CLASSES
from replica.families.news import JoomlaItem, WpNews
from replica.families.portal import LiferayAsset, VnptEgov
from replica.families.tables import DnnModule, TableAsp
from replica.families.modern import BootstrapPortal
from replica.markup import Renderer, make_variant


@dataclass(frozen=True)
class Family:
    name: str
    summary: str
    classes: frozenset[int]  # which of the ten classes of CMS patterns (docs/replica.md) it exercises
    make: Callable[[int, dict[str, Page], int], Renderer]  # (markup seed, pages by id, classic variant) → renderer
    held_out: bool = False
    # Whether its articles show the lead apart from the body (bold, a summary block, a style of its own). Where
    # they do not, a reader sees no lead: the lead's paragraph is the body's first (replica.score.expected).
    lead_set_apart: bool = True


def _family(cls, held_out: bool = False) -> Family:
    return Family(cls.name, cls.summary, cls.classes, lambda seed, pages, variant=0: cls(seed, pages), held_out,
                  getattr(cls, "lead_set_apart", True))


CLASSIC = Family("classic", "replica/markup.py's two templates (new: divs, old: a table), classes and wrappers "
                 "drawn by --variant", frozenset({9}),
                 lambda seed, pages, variant=0: Renderer(make_variant(variant), pages))
FAMILIES: dict[str, Family] = {
    "classic": CLASSIC,
    **{cls.name: _family(cls) for cls in (LiferayAsset, VnptEgov, TableAsp, DnnModule, WpNews, JoomlaItem,
                                          BootstrapPortal)},
    **{cls.name: _family(cls, held_out=True) for cls in (*HOLDOUT_CLASSES, *FRESH_CLASSES)},
}
# Not to be read by whoever tunes the extractor (see the module docstring).
HOLDOUT: tuple[str, ...] = tuple(cls.name for cls in (*HOLDOUT_CLASSES, *FRESH_CLASSES))
# The held-out families written last, never yet used in tuning (see replica/families/fresh/__init__.py).
FRESH: tuple[str, ...] = tuple(cls.name for cls in FRESH_CLASSES)
# The families a seed picks from when none is named: neither the default nor the held-out ones.
TRAINING: tuple[str, ...] = tuple(name for name, fam in FAMILIES.items() if name != "classic" and not fam.held_out)


def choose_family(seed: int, pool: tuple[str, ...] = TRAINING) -> str:
    """The family a markup seed stands for, from `pool` (the training families unless told otherwise)."""
    return random.Random(f"family:{seed}").choice(sorted(pool))


def resolve(family: str = "", markup_seed: int | None = None) -> tuple[str, int]:
    """(family, seed) from the options: a named family with the seed's parameters (0 if none), a seed alone
    picks a training family, neither is `classic`. "holdout", "fresh" and "training" pick from those sets by seed."""
    seed = markup_seed or 0
    if family in ("holdout", "fresh", "training"):
        return choose_family(seed, {"holdout": HOLDOUT, "fresh": FRESH, "training": TRAINING}[family]), seed
    if family:
        if family not in FAMILIES:
            raise ValueError(f"unknown family {family!r}; known: {', '.join(FAMILIES)}, holdout, fresh, training")
        return family, seed
    if markup_seed is None:
        return "classic", 0
    return choose_family(markup_seed), markup_seed


def make_renderer(family: str, markup_seed: int, pages_by_id: dict[str, Page], variant: int = 0) -> Renderer:
    return FAMILIES[family].make(markup_seed, pages_by_id, variant)
