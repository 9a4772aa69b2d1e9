"""Writing files so that a crash leaves either the old content or the new, never a mix.

Every file the project writes (records, imported tables, schemas, release files, the index,
CHANGELOG, CITATION.cff, README counts, ``__init__.py``, the download cache) goes through
:func:`write_bytes` / :func:`write_text` or :func:`temp_beside`: the bytes go to a hidden
temporary file in the same folder, are flushed and fsync'ed, and the temporary file is
renamed over the target (``os.replace``, atomic on POSIX and Windows), then the folder is
fsync'ed so the rename itself survives a power cut.

A process killed with ``kill -9`` between the two steps leaves a temporary file named
``.<name>.tmp-<random>``; :func:`clean_leftovers` removes those, and readers of a folder
(``records.read``) ignore them via :func:`is_leftover`.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

TEMP_MARK = ".tmp-"
LEFTOVER = re.compile(r"^\..+\.tmp-[A-Za-z0-9_]+$")


def is_leftover(path: Path) -> bool:
    """True for a temporary file this module made and a killed process left behind.

    Example
    -------
    >>> is_leftover(Path(".meetings.yaml.tmp-ab12_x"))
    True
    """
    return bool(LEFTOVER.match(path.name))


def fsync_dir(folder: Path) -> None:
    """Make a rename inside ``folder`` durable (a no-op where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def temp_beside(target: Path | str) -> Iterator[tuple[BinaryIO, Path]]:
    """An open temporary file beside ``target``, renamed over it when the block succeeds.

    On any exception (including KeyboardInterrupt) the temporary file is removed and
    ``target`` is untouched.

    Example
    -------
    >>> with temp_beside("out.bin") as (handle, tmp):  # doctest: +SKIP
    ...     handle.write(b"data")
    """
    target = Path(target)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}{TEMP_MARK}", dir=target.parent)
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle, tmp
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(target.parent)


def write_bytes(target: Path | str, data: bytes) -> Path:
    """Replace ``target`` with ``data`` atomically (temp file, fsync, rename).

    Example
    -------
    >>> write_bytes("index.json", b"{}")  # doctest: +SKIP
    PosixPath('index.json')
    """
    with temp_beside(target) as (handle, _):
        handle.write(data)
    return Path(target)


def write_text(target: Path | str, text: str) -> Path:
    """Replace ``target`` with UTF-8 ``text`` atomically; line ends are written as given.

    Example
    -------
    >>> write_text("CITATION.cff", "cff-version: 1.2.0\\n")  # doctest: +SKIP
    PosixPath('CITATION.cff')
    """
    return write_bytes(target, text.encode("utf-8"))


def clean_leftovers(folder: Path | str) -> list[Path]:
    """Remove temporary files a killed writer left directly in ``folder``; return them.

    Call it only from a command that writes ``folder`` itself (so no other writer is
    using those temporary files at the same time).

    Example
    -------
    >>> clean_leftovers("records")  # doctest: +SKIP
    []
    """
    folder = Path(folder)
    removed = []
    if folder.is_dir():
        for path in folder.iterdir():
            if is_leftover(path) and path.is_file() and not path.is_symlink():
                path.unlink(missing_ok=True)
                removed.append(path)
    return removed


def fsync_tree(folder: Path | str) -> None:
    """fsync every file and folder below ``folder`` (before renaming a staged folder in).

    Example
    -------
    >>> fsync_tree("releases/.staging-0.4.0")  # doctest: +SKIP
    """
    folder = Path(folder)
    for path in sorted(folder.rglob("*"), reverse=True):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as handle:
                os.fsync(handle.fileno())
        elif path.is_dir():
            fsync_dir(path)
    fsync_dir(folder)
