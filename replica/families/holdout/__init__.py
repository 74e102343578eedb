"""HELD-OUT template families: for measuring an extractor on markup it was never tuned on.

Whoever tunes the extractor (archive/extract.py, archive/markup.py, archive/page/) must not read these modules,
nor pages rendered with these families, while tuning: only score on them afterwards (replica/score.py,
`portal-archive replica serve --family holdout --markup-seed N`). Their names are listed in
`replica.families.HOLDOUT`; what they exercise is summarised, without their markup, in docs/replica.md.
"""

from replica.families.holdout.ckeditor import CkPrint
from replica.families.holdout.legacy import LegacyBr
from replica.families.holdout.magazine import Magazine
from replica.families.holdout.microdata import SchemaDl
from replica.families.holdout.sharepoint import SpNews

HOLDOUT_CLASSES = (LegacyBr, Magazine, SpNews, CkPrint, SchemaDl)
