"""Which files a run reads: every supported file named, or found under the named folders.

Paths stay as given (made absolute, never resolved): a symlinked file or folder keeps the path it was
reached by, so its budget year comes from that path's folders, not from where the link points. A
linked folder is followed at most once, by its real path, and never into a folder already walked (a
link such as ``2024/loop -> ..`` adds nothing); real folders are walked before linked ones, so a folder
reachable both ways is read under its own path.

What the walk cannot read is said, never skipped silently (Discovery.unreadable): a link whose target is gone (an
unmounted share linked into the tree), a link loop, a folder it may not list. A file recorded under such a path
is unknown this run, not disappeared (etl.load.incremental.gone_sources).

jixiao's own outputs found under a folder are not sources: `jixiao report` and `jixiao audit` write
report-<slug>-<hash>-<from>-<to>.html|.xlsx and audit-<slug>-<hash>|all-<year>|all.html|.xlsx (etl.settings), and
written into a folder that loads walk, each was refused on every later load as 'not a target table' (exit 3).
They are told by their whole name (is_own_output), never by their contents; a file named on the command line is
read whatever its name.
"""

from __future__ import annotations

import errno
import os
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from etl.extract.dispatch import SUPPORTED_SUFFIXES
from etl.settings import is_own_output


def discover(paths: Sequence[Path | str]) -> list[Path]:
    """Every supported file named or found under the named folders, sorted; missing paths are refused later."""
    return [Path(f) for f in discover_paths(paths)]


def discover_paths(paths: Sequence[Path | str]) -> list[str]:
    """discover's files as absolute path strings: a run that skips its unchanged files never needs them as Path
    objects, whose construction was a sixth of a no-op run over 10,000 files (0.14 of 0.9 s)."""
    return discover_tree(paths).files


@dataclass(slots=True)
class Discovery:
    """The files found (absolute, sorted) and what could not be read on the way: path (absolute, as reached) ->
    why, the OSError's words. Files under an unreadable path are not known to be gone, only not seen."""

    files: list[str] = field(default_factory=list)
    unreadable: dict[str, str] = field(default_factory=dict)
    own_outputs: list[str] = field(default_factory=list)  # jixiao's report and audit files found, not read


def discover_tree(paths: Sequence[Path | str]) -> Discovery:
    """discover_paths, with the folders and links the walk could not read (see Discovery)."""
    found: set[str] = set()
    seen: set[tuple[int, int]] = set()
    unreadable: dict[str, str] = {}
    own: list[str] = []
    for p in (os.fspath(Path(x)) for x in paths):  # Path: "" is the current folder, as before
        if os.path.isdir(p):
            found.update(walk(os.path.abspath(p), seen, unreadable, own))
        else:
            found.add(os.path.abspath(p))
    return Discovery(sorted(found), dict(sorted(unreadable.items())), sorted(set(own)))


def unreachable(paths: Sequence[Path | str]) -> dict[str, str]:
    """The named paths that are not there, or cannot be looked at, -> why (the system's words: 'No such file or
    directory', 'Too many levels of symbolic links', 'File name too long', 'Permission denied'). Path.exists raised
    on the last two, a load failing with OSError (exit 1) instead of naming the path (exit 2)."""
    why: dict[str, str] = {}
    for p in (os.fspath(Path(x)) for x in paths):  # Path: "" is the current folder, as discover_tree reads it
        try:
            os.stat(p)
        except OSError as exc:
            why[p] = exc.strerror or type(exc).__name__
        except ValueError:  # a NUL in the name: no system call takes it
            why[p] = "a NUL character in the name"
        else:
            if ".." in Path(p).parts and not os.path.exists(os.path.abspath(p)):
                why[p] = _DOTS_AFTER_A_LINK
    return why


# a/link/../2023: the system follows the link before the .., the walk (paths taken as given, abspath) drops both, so
# the run read another folder than the one named (it loaded nothing, exit 0, "no table files found")
_DOTS_AFTER_A_LINK = "a .. after a linked folder leads elsewhere than the path as written: name the folder without .."


def missing_message(missing: dict[str, str]) -> str:
    """'source path(s) not found: a, b' for named paths that are not there (unreachable's answer); the system's words
    for any other reason (a link loop, a name too long, a folder that may not be searched). The names as given:
    whoever prints the message shows bytes that are not UTF-8 (etl.warehouse.backend.storable)."""
    absent = [p for p, why in missing.items() if why == os.strerror(errno.ENOENT)]
    other = [f"{p} ({why})" for p, why in missing.items() if why != os.strerror(errno.ENOENT)]
    said = [f"source path(s) not found: {', '.join(absent)}"] if absent else []
    return "; ".join(said + ([f"source path(s) cannot be read: {', '.join(other)}"] if other else []))


def not_regular_files(paths: Sequence[Path | str]) -> set[str]:
    """The named paths (absolute) that are neither a folder nor a regular file: a pipe, a socket, a device.
    Reading a pipe blocks until something writes to it; found under a folder, such entries are skipped (walk)."""
    named = (os.path.abspath(os.fspath(Path(p))) for p in paths)
    return {p for p in named if os.path.exists(p) and not os.path.isdir(p) and not os.path.isfile(p)}


def suffix(name: str) -> str:
    """PurePath(name).suffix without building the path: the text from the last dot, unless the dot leads or ends."""
    i = name.rfind(".")
    return name[i:] if 0 < i < len(name) - 1 else ""


def _is_supported_file(entry: os.DirEntry) -> bool:
    try:
        return suffix(entry.name).lower() in SUPPORTED_SUFFIXES and entry.is_file()
    except OSError:  # a link loop between files, a vanished entry
        return False


def _is_dir(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _unreachable_link(entry: os.DirEntry) -> str | None:
    """Why a link cannot be followed (its target is gone, or a loop), else None: only links are looked at further,
    so the walk stats nothing more for the files it does not take."""
    try:
        if not entry.is_symlink():
            return None
        os.stat(entry.path)
    except OSError as exc:
        return exc.strerror or type(exc).__name__
    return None


def walk(
    top: str,
    seen: set[tuple[int, int]],
    unreadable: dict[str, str] | None = None,
    own_outputs: list[str] | None = None,
) -> list[str]:
    """Supported files under top; each real folder is read once (seen holds the device and inode of the folders
    read, across calls: os.path.realpath, a pure-Python walk of every component, made a 1,500-deep tree take 33 s).
    A folder it cannot list and a link it cannot follow go to unreadable (path -> why) when given: skipped silently,
    a dangling link to an unmounted share made its recorded files look deleted, and --prune took their facts out.
    jixiao's own report and audit files are left out, and listed in own_outputs when given (a run says so)."""
    files: list[str] = []
    real_dirs: deque[str] = deque([top])
    linked_dirs: deque[str] = deque()
    while real_dirs or linked_dirs:
        folder = real_dirs.popleft() if real_dirs else linked_dirs.popleft()
        try:
            stat = os.stat(folder)
            if (stat.st_dev, stat.st_ino) in seen:
                continue
            seen.add((stat.st_dev, stat.st_ino))
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:  # unreadable folder: os.walk skipped it too, but a run must say so
            if unreadable is not None:
                unreadable[folder] = exc.strerror or type(exc).__name__
            continue
        for entry in entries:
            if _is_dir(entry):
                (linked_dirs if entry.is_symlink() else real_dirs).append(entry.path)
            elif _is_supported_file(entry):
                if not is_own_output(entry.name):  # a report written into the tree: not a source
                    files.append(entry.path)
                elif own_outputs is not None:
                    own_outputs.append(entry.path)
            elif unreadable is not None and (why := _unreachable_link(entry) or _not_regular(entry)) is not None:
                unreadable[entry.path] = why
    return files


def _not_regular(entry: os.DirEntry) -> str | None:
    """Why a table's name is skipped when it names no regular file (a pipe, a socket, a device, a link to one), else
    None: round 31's hunt found them skipped without a word, which a run now says (as for a named one)."""
    if suffix(entry.name).lower() not in SUPPORTED_SUFFIXES:
        return None
    try:
        regular = os.path.isfile(entry.path) or os.path.isdir(entry.path) or not os.path.exists(entry.path)
    except OSError:
        return None
    return None if regular else NOT_REGULAR_FOUND


# the reason _not_regular gives: such an entry is named, but it hides no file recorded under it (a table's file
# replaced by a pipe has disappeared: etl.load.incremental.gone_sources)
NOT_REGULAR_FOUND = "not a regular file (a pipe, a socket or a device): not read"
