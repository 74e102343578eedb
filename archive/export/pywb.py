"""A pywb collection around the archive's closed WARC files and their CDXJ index: `cd DEST && wayback`."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from archive.warc.cdxj import WARC_PATTERN, cdxj_index

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
