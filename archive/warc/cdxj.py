"""The CDXJ index of the closed WARC files, as pywb, ReplayWeb.page and other replay tools read it."""

from __future__ import annotations

import json
import os
from pathlib import Path

from cdxj_indexer.main import write_cdx_index

WARC_PATTERN = "*.warc.gz"  # closed files only: a file being written ends in .warc.gz.open

def cdxj_index(warc_files: list[Path], out: Path) -> int:
    """Write a sorted CDXJ index of `warc_files` to `out`; returns its number of lines.

    Every response, revisit, resource and metadata record is indexed (requests and warcinfo are not), each line naming
    its WARC file by base name, as pywb resolves it against a collection's archive folder, except the revisits of
    304 Not Modified answers: replay tools show those as the empty 304 they were (pywb, ReplayWeb.page), so a page
    replayed at their time would lose its images. Left out, replay shows the capture they confirmed. The index
    replaces `out` in one step, so a running pywb never reads half of it.
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    # Not *.cdx / *.cdxj: pywb would load a half-written temporary file as a second index.
    tmp = out.with_name(out.name + ".tmp")
    every = out.with_name(out.name + ".all.tmp")
    kept = 0
    try:
        # lines: sorted as pywb's binary search needs, identical lines dropped
        write_cdx_index(str(every), [str(p) for p in warc_files], {"sort": True})
        with every.open("rb") as src, tmp.open("wb") as dst:
            for line in src:
                if not not_modified(line):
                    dst.write(line)
                    kept += 1
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
        every.unlink(missing_ok=True)
    return kept


def not_modified(line: bytes) -> bool:
    """Whether a CDXJ line indexes the revisit of a 304 Not Modified answer."""
    fields = json.loads(line.split(b" ", 2)[2])
    return fields.get("mime") == "warc/revisit" and fields.get("status") == "304"
