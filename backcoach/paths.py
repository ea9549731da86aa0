"""Where backcoach keeps its files: BACKCOACH_HOME, or the platform's usual folders;
reading and writing them safely: regular files only, sizes capped, writes whole or
not at all, one holder of a lock at a time."""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from backcoach.errors import UsageError

APP_NAME = "backcoach"


def _home() -> Path | None:
    """BACKCOACH_HOME, made absolute: a relative one would follow the working folder."""
    value = os.environ.get("BACKCOACH_HOME", "").strip()
    return Path(value).expanduser().absolute() if value else None


def data_dir() -> Path:
    """Folder of the history database."""
    home = _home()
    if home is not None:
        return home
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    """Folder of config.toml."""
    home = _home()
    if home is not None:
        return home
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def cache_dir() -> Path:
    """Folder of caches that can always be thrown away."""
    home = _home()
    if home is not None:
        return home / "cache"
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def own_files() -> list[Path]:
    """What backcoach keeps and nothing else may write over: the history (and SQLite's
    files beside it), config.toml and the cache folder."""
    history = database_path().resolve()
    return [
        history,
        *(history.with_name(history.name + suffix) for suffix in ("-wal", "-shm", "-journal")),
        config_path().resolve(),
        cache_dir().resolve(),
    ]


def database_path() -> Path:
    return data_dir() / "history.sqlite3"


def config_path() -> Path:
    return config_dir() / "config.toml"


def _kind(mode: int) -> str | None:
    """What a file that is not a regular one is, in words; None for a regular file."""
    for test, name in (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return name
    return None if stat.S_ISREG(mode) else "not a regular file"


def _not_regular(path: Path, kind: str) -> UsageError:
    return UsageError(
        f"{path} is {kind}, not a regular file; backcoach reads and writes only regular files",
        hint="remove it or give backcoach a plain file there",
    )


def read_regular_file(path: Path, limit: int) -> bytes:
    """The bytes of a regular file of at most `limit` bytes (a symbolic link is followed).

    A FIFO, a device, a socket or a folder is refused before anything is read from it
    (the file is opened without blocking and checked on the open handle, so swapping
    it meanwhile changes nothing), and so is a file larger than `limit`: UsageError.
    A missing file, or one that cannot be opened, raises OSError as usual.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    if sys.platform == "win32":  # no O_NONBLOCK: look first (a FIFO is rare there)
        kind = _kind(os.stat(path).st_mode)
        if kind is not None:
            raise _not_regular(path, kind)
        flags |= getattr(os, "O_BINARY", 0)
    descriptor = os.open(path, flags)
    try:
        kind = _kind(os.fstat(descriptor).st_mode)
    except OSError:
        os.close(descriptor)
        raise
    if kind is not None:
        os.close(descriptor)
        raise _not_regular(path, kind)
    with os.fdopen(descriptor, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise UsageError(
            f"{path} is larger than {_size(limit)}; backcoach does not read it",
            hint="is it the right file? remove it, or make it smaller",
        )
    return data


def _size(limit: int) -> str:
    return f"{limit // 1024 // 1024} MiB" if limit >= 1024 * 1024 else f"{limit // 1024} KiB"


def write_text_atomically(file: Path, text: str) -> None:
    """Write a whole file or nothing: a temporary file beside it, flushed, then renamed.

    A crash or a full disk leaves the old file as it was. A symbolic link is written
    through (the file it points to is replaced, the link stays); a FIFO, a device or a
    folder in the way is refused (UsageError) and left as it is. Raises OSError.
    """
    if file.is_symlink():
        file = Path(os.path.realpath(file))
    try:
        kind = _kind(os.stat(file).st_mode)
    except (FileNotFoundError, NotADirectoryError):
        kind = None
    if kind is not None:
        raise _not_regular(file, kind)
    file.parent.mkdir(parents=True, exist_ok=True)
    temporary = file.with_name(f".{file.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, file)
    finally:
        try:
            temporary.unlink()
        except OSError:
            pass  # already renamed into place, or never made


class LockHeld(Exception):
    """Another process holds the lock; `holder` is its process id as it wrote it ("" if
    it wrote none)."""

    def __init__(self, path: Path, holder: str) -> None:
        super().__init__(f"{path} is held by {holder or 'another process'}")
        self.path, self.holder = path, holder


@contextmanager
def hold_lock(path: Path) -> Iterator[None]:
    """Hold the lock file `path` (made if need be) while the block runs, or raise
    LockHeld at once if another process holds it. The operating system releases it
    when the process ends, however it ends, so a crash never leaves it stuck; the
    holder's process id is written in it, to be named. Raises OSError if it cannot be
    made."""
    path.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0)
    flags |= getattr(os, "O_NONBLOCK", 0)  # a FIFO put there must not hang the open
    descriptor = os.open(path, flags, 0o600)  # a link is refused: its target is not ours
    try:
        kind = _kind(os.fstat(descriptor).st_mode)
        if kind is not None:
            raise _not_regular(path, kind)
        if not _try_lock(descriptor):
            try:
                holder = os.read(descriptor, 32).decode("ascii", "replace").strip()
            except OSError:
                holder = ""
            raise LockHeld(path, holder if holder.isdecimal() else "")
        os.ftruncate(descriptor, 0)
        os.write(descriptor, f"{os.getpid()}\n".encode("ascii"))
        try:
            yield
        finally:
            os.ftruncate(descriptor, 0)
    finally:
        os.close(descriptor)  # closing releases the lock


def _try_lock(descriptor: int) -> bool:
    if sys.platform == "win32":
        import msvcrt

        try:
            msvcrt.locking(descriptor, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True
