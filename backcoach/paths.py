"""Where backcoach keeps its files: BACKCOACH_HOME, or the platform's usual folders."""

from __future__ import annotations

import os
from pathlib import Path

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


def write_text_atomically(file: Path, text: str) -> None:
    """Write a whole file or nothing: a temporary file beside it, flushed, then renamed.

    A crash or a full disk leaves the old file as it was. Raises OSError.
    """
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
