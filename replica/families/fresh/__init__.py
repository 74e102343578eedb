"""FRESH held-out template families: written after every other family had been used to tune the extractor.

They check whether the extractor generalises. Whoever tunes the extractor (archive/extract.py, archive/markup.py,
archive/page/) must not read these modules, nor pages rendered with these families, while tuning: only score on
them afterwards (replica/score.py, `portal-archive replica serve --family fresh --markup-seed N`). Their names are
listed in `replica.families.FRESH` (and in `HOLDOUT`); what they exercise is summarised, without their markup, in
docs/replica.md. Once an extractor has been tuned on them they are no longer fresh: write new ones instead.
"""

from replica.families.fresh.amp import AmpMobile
from replica.families.fresh.province import ProvinceGrid

FRESH_CLASSES = (AmpMobile, ProvinceGrid)
