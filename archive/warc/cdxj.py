"""Replay of the archive in pywb: a CDXJ index of the closed WARC files and a pywb collection around them."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from cdxj_indexer.main import write_cdx_index

WARC_PATTERN = "*.warc.gz"  # closed files only: a file being written ends in .warc.gz.open

# pywb finds collections under collections_root by itself ("auto collections"), so this file names none and does not
# change when a collection is added. Without a config.yaml pywb still starts, but in debug mode.
CONFIG_YAML = """\
# pywb configuration written by portal-archive's export_pywb; run `wayback` (or `pywb`) in this folder.
# Edits are kept: the file is only written when it is missing.
collections_root: collections
archive_paths: archive
index_paths: indexes
enable_memento: true
framed_replay: true
"""


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


def export_pywb(warc_dir: Path, dest: Path, collection: str = "portal") -> Path:
    """Make `dest` a pywb folder replaying the closed WARC files of `warc_dir` as `collection`; returns its folder.

    Run again, it adds the files closed since and rebuilds the index. Files already in the collection are kept even
    if they left `warc_dir`, since they may hold the originals of later revisits.
    """
    coll = dest / "collections" / collection
    archive = coll / "archive"
    archive.mkdir(parents=True, exist_ok=True)
    for src in sorted(warc_dir.glob(WARC_PATTERN)):
        if src.is_file():
            _place(src, archive / src.name)
    cdxj_index(sorted(archive.glob(WARC_PATTERN)), coll / "indexes" / "index.cdxj")
    config = dest / "config.yaml"
    if not config.exists():
        config.write_text(CONFIG_YAML, encoding="utf-8")
    return coll


def _place(src: Path, target: Path) -> None:
    """Hard-link `src` at `target`, or copy it when a link cannot be made (another file system)."""
    if target.exists():
        if os.path.samefile(src, target):
            return
        s, t = src.stat(), target.stat()
        # Closed WARC files never change, so a copy of the same size and time is the same file.
        if (s.st_size, s.st_mtime_ns) == (t.st_size, t.st_mtime_ns):
            return
    # Built beside the target and renamed over it: pywb never sees a half-copied file under the indexed name.
    tmp = target.with_name(target.name + ".part")
    tmp.unlink(missing_ok=True)
    try:
        os.link(src, tmp)
    except OSError:
        shutil.copy2(src, tmp)
    os.replace(tmp, target)
