"""A crawl's resumable state, ARCHIVE/state/JOB: what a job may be called, and the one way its state is deleted.

A new crawl deletes the state of the one before it. A job name that is a path (`..`, `/srv`, `a/../..`) would make
that the archive, or any directory; so names are checked wherever they come in (the command line, schedule.yaml),
and the deletion itself refuses anything that is not inside the archive's own state folder, whatever the name.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

STATE = "state"
# ASCII, so that two names never fold to one folder on a file system that ignores case or normalises Unicode.
JOB_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
JOB_NAME_RULE = "lower-case letters a-z, digits, - and _, starting with a letter or digit, at most 64 characters"


class UnsafeDeletion(Exception):
    """A deletion that would reach outside ARCHIVE/state/: refused, nothing deleted."""


def valid_job_name(name: str) -> bool:
    return bool(JOB_NAME.fullmatch(name))


def job_name_problem(name: str) -> str | None:
    """Why `name` cannot be a job's name, or None if it can."""
    return None if valid_job_name(name) else f'"{name}" is not a job name ({JOB_NAME_RULE})'


def state_dir(archive_dir: Path, job: str) -> Path:
    """ARCHIVE/state/JOB, absolute; ValueError for a job name that is not one."""
    problem = job_name_problem(job)
    if problem:
        raise ValueError(problem)
    return Path(archive_dir).absolute() / STATE / job


def remove(archive_dir: Path, path: Path) -> None:
    """Delete the folder `path`, which must be strictly inside ARCHIVE/state/ once symlinks are resolved.

    Raises UnsafeDeletion, deleting nothing, for anything else: the state folder itself, a path outside it, a
    symlink, or a state folder that is itself a symlink to somewhere else. A path that does not exist is done.
    """
    root = Path(archive_dir).resolve() / STATE
    target = Path(path).absolute()
    if root.is_symlink() or (root.exists() and root.resolve() != root):
        raise UnsafeDeletion(f"{root} is a symbolic link: a crawl deletes only inside the archive's own state "
                             f"folder, so {target} was not deleted")
    if target.is_symlink():
        raise UnsafeDeletion(f"{target} is a symbolic link: not deleted")
    resolved = target.resolve()
    if root not in resolved.parents:
        raise UnsafeDeletion(f"{target} is not inside {root}: not deleted")
    if resolved.exists():
        # rmtree does not follow symlinks below `resolved` (it removes the links themselves).
        shutil.rmtree(resolved)
