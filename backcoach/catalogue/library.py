"""The validated catalogue, cached in SQLite and queried without building every model.

The first run validates the YAML (catalogue.exercises) and writes a cache keyed
by the file's content hash and by the code that defines the schema. Later
runs read only what a command needs: `list` the columns it filters and shows
(or each exercise's JSON, already rendered), `show` one exercise, `plan` a
seeded sample of the candidates. So a 10,000-exercise catalogue costs a few
hundred models at most, not 10,000.

A cache that cannot be written (a read-only home) is built in memory instead;
a damaged one is rebuilt. The cache is always safe to delete.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from backcoach.catalogue.loader import PACKAGE_DIR, read_all, read_bytes
from backcoach.vocabulary import Equipment, Level, Region, normal

if TYPE_CHECKING:
    from backcoach.models import Catalogue, Exercise

CACHE_FORMAT = 2
# Most candidates of one kind the planner is given; a plan of 90 minutes uses far fewer.
SAMPLE_PER_KIND = 48

_SCHEMA = (
    """CREATE TABLE exercises (
        position INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        regions TEXT NOT NULL,
        kind TEXT NOT NULL,
        level TEXT NOT NULL,
        level_rank INTEGER NOT NULL,
        needs TEXT NOT NULL,
        equipment TEXT NOT NULL,
        warmup INTEGER NOT NULL,
        dose_text TEXT NOT NULL,
        origin TEXT NOT NULL,
        reviewed INTEGER NOT NULL,
        data TEXT NOT NULL,
        pretty TEXT NOT NULL,
        summary_sum TEXT NOT NULL,
        data_sum TEXT NOT NULL
    )""",
    "CREATE TABLE names (key TEXT NOT NULL, id TEXT NOT NULL)",
    "CREATE INDEX names_by_key ON names (key)",
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
)
_SUMMARY_COLUMNS = (
    "id, name, regions, kind, level, level_rank, needs, equipment, warmup, dose_text, "
    "origin, reviewed"
)


def checksum(values: Iterable[object]) -> str:
    """What binds a cache row to what backcoach wrote: any edit of the row changes it."""
    joined = "\x1f".join(str(value) for value in values)
    return hashlib.blake2b(joined.encode(), digest_size=12).hexdigest()


class CacheDamaged(Exception):
    """A cache row does not match its checksum: the cache is rebuilt from the source."""


class Summary:
    """What `list` shows and filters on, without the full exercise.

    A plain class: NamedTuple and dataclass generate code when the module is imported.
    """

    __slots__ = (
        "id", "name", "regions", "kind", "level", "needs", "equipment", "dose_text", "origin",
        "reviewed",
    )  # fmt: skip

    def __init__(
        self,
        id: str,
        name: str,
        regions: tuple[str, ...],
        kind: str,
        level: str,
        needs: frozenset[str],
        equipment: tuple[str, ...],
        dose_text: str,
        origin: str = "bundled",
        reviewed: bool = True,
    ) -> None:
        self.id, self.name, self.regions, self.kind = id, name, regions, kind
        self.level, self.needs, self.equipment, self.dose_text = level, needs, equipment, dose_text
        self.origin, self.reviewed = origin, reviewed


class Library:
    """The catalogue's cache, open. Every row read is checked against its checksum; a
    mismatch or any database error rebuilds the cache from the source (`rebuild`) and
    the read is done again, so a damaged cache gives what a first run gives."""

    def __init__(
        self, db: sqlite3.Connection, rebuild: Callable[[], sqlite3.Connection] | None = None
    ) -> None:
        self.db = db
        self._rebuild = rebuild
        self._models: dict[str, Exercise] = {}

    def _heal(self, error: Exception) -> None:
        if self._rebuild is None:
            raise error
        rebuild, self._rebuild = self._rebuild, None  # once: a second failure is real
        with contextlib.suppress(sqlite3.Error):
            self.db.close()
        self.db = rebuild()
        self._models.clear()

    def _rows(self, query: str, parameters: Sequence[object] = ()) -> list[Any]:
        """A query's rows; a database error rebuilds the cache and the query is run again."""
        try:
            return self.db.execute(query, parameters).fetchall()
        except sqlite3.Error as error:
            self._heal(error)
            return self.db.execute(query, parameters).fetchall()

    # --- reading ------------------------------------------------------------

    def summaries(self) -> list[Summary]:
        rows = self._rows(
            "SELECT id, name, regions, kind, level, needs, equipment, dose_text, origin, "
            "reviewed FROM exercises ORDER BY position"
        )
        return [
            Summary(
                id=row[0],
                name=row[1],
                regions=tuple(row[2].split(",")),
                kind=row[3],
                level=row[4],
                needs=frozenset(filter(None, row[5].split(","))),
                equipment=tuple(filter(None, row[6].split(","))),
                dose_text=row[7],
                origin=row[8],
                reviewed=bool(row[9]),
            )
            for row in rows
        ]

    def get(self, exercise_id: str) -> Exercise | None:
        if exercise_id not in self._models:
            try:
                row = self._data_row(exercise_id)
            except (sqlite3.Error, CacheDamaged) as error:
                self._heal(error)
                row = self._data_row(exercise_id)
            if row is None:
                return None
            import pydantic_core

            from backcoach.models import Exercise

            self._models[exercise_id] = Exercise.trusted(pydantic_core.from_json(row))
        return self._models[exercise_id]

    def _data_row(self, exercise_id: str) -> str | None:
        row = self.db.execute(
            "SELECT data, pretty, data_sum FROM exercises WHERE id = ?", (exercise_id,)
        ).fetchone()
        if row is None:
            return None
        if checksum(row[:2]) != row[2]:
            raise CacheDamaged(exercise_id)
        return str(row[0])

    def get_many(self, ids: Iterable[str]) -> list[Exercise]:
        return [exercise for exercise in map(self.get, ids) if exercise is not None]

    def pretty_json(self, ids: Sequence[str]) -> Iterator[str]:
        """Each exercise's JSON, rendered when the cache was built (indented for an array).

        One at a time, so `list --json` of a large catalogue never holds all of it.
        """
        wanted = set(ids)
        next_position = 0
        while True:
            try:
                rows = self.db.execute(
                    "SELECT position, id, data, pretty, data_sum FROM exercises "
                    "WHERE position >= ? ORDER BY position",
                    (next_position,),
                )
                for position, exercise_id, data, pretty, data_sum in rows:
                    if exercise_id in wanted:
                        if checksum((data, pretty)) != data_sum:
                            raise CacheDamaged(exercise_id)
                        yield pretty
                    next_position = position + 1
                return
            except (sqlite3.Error, CacheDamaged) as error:
                self._heal(error)  # and carry on from the same exercise, rebuilt

    def find(self, query: str) -> Exercise:
        """Match an id, a name or an alias, ignoring case, spaces and hyphens."""
        import difflib

        from backcoach.errors import NotFoundError

        exercise_id = self.lookup(query)
        found = self.get(exercise_id) if exercise_id is not None else None
        if found is not None:
            return found
        keys = dict(self.name_keys())
        suggestions: list[str] = []
        for key in difflib.get_close_matches(normal(query), list(keys), n=10, cutoff=0.6):
            if keys[key] not in suggestions:
                suggestions.append(keys[key])
        hint = (
            "did you mean " + " or ".join(suggestions[:3]) + "?"
            if suggestions
            else "see every exercise with: backcoach list"
        )
        raise NotFoundError(f"unknown exercise {query!r}", hint=hint)

    def lookup(self, key: str) -> str | None:
        rows = self._rows("SELECT id FROM names WHERE key = ? LIMIT 1", (normal(key),))
        return str(rows[0][0]) if rows else None

    def name_keys(self) -> list[tuple[str, str]]:
        return [(row[0], row[1]) for row in self._rows("SELECT key, id FROM names")]

    def names(self, ids: Iterable[str]) -> dict[str, str]:
        wanted = list(ids)
        if not wanted:
            return {}
        marks = ",".join("?" * len(wanted))
        return dict(self._rows(f"SELECT id, name FROM exercises WHERE id IN ({marks})", wanted))

    def candidates(
        self,
        regions: Iterable[Region],
        level: Level,
        equipment: Iterable[Equipment],
        seed: int,
        per_kind: int = SAMPLE_PER_KIND,
    ) -> Catalogue:
        """What the planner may choose from, as a small catalogue.

        Filtered by region, level and equipment; where a kind has more candidates
        than the planner could use, a sample drawn from `seed` (so a plan is still
        reproducible). Warm-ups are sampled on their own so there always are some.
        """
        region_set = {region.value for region in regions}
        have = {item.value for item in equipment}
        pools: dict[str, list[str]] = {"warmup": [], "stretch": [], "strengthen": []}
        rows = self._rows(
            "SELECT id, regions, kind, warmup, needs FROM exercises "
            "WHERE level_rank <= ? AND reviewed = 1 ORDER BY position",  # never a draft
            (level.rank,),
        )
        for exercise_id, region_text, kind, warmup, needs in rows:
            if not region_set.isdisjoint(region_text.split(",")) and (
                not needs or have.issuperset(needs.split(","))
            ):
                pools["warmup" if warmup else kind].append(exercise_id)
        import random

        rng = random.Random(seed)
        chosen: list[str] = []
        for name in ("warmup", "stretch", "strengthen"):
            ids = pools[name]
            chosen += ids if len(ids) <= per_kind else rng.sample(ids, per_kind)
        from backcoach.models import Catalogue

        order = {exercise_id: index for index, exercise_id in enumerate(chosen)}
        exercises = sorted(self.get_many(chosen), key=lambda e: order[e.id])
        return Catalogue(tuple(exercises))


# --- building and opening -----------------------------------------------------


def _row(position: int, exercise: Exercise) -> tuple[object, ...]:
    import pydantic_core

    data = exercise.model_dump(mode="json")
    compact = pydantic_core.to_json(data).decode()  # validates back into an Exercise
    # A draft's TODO fields hold stand-ins for validation: never shown as values.
    dose_text = "TODO" if "dose" in exercise.todos else exercise.dose.describe()
    for field in exercise.todos:
        data[field] = "TODO"
    data["dose_text"] = dose_text
    pretty = pydantic_core.to_json(data, indent=2).decode()
    summary = (
        exercise.id,
        exercise.name,
        ",".join(region.value for region in exercise.regions),
        exercise.kind.value,
        exercise.level.value,
        exercise.level.rank,
        ",".join(sorted(item.value for item in exercise.needs)),
        ",".join(item.value for item in exercise.equipment),
        int(exercise.warmup),
        dose_text,
        exercise.source_mark,
        int(exercise.reviewed),
    )
    rendered = (compact, "  " + pretty.replace("\n", "\n  "))
    return (position, *summary, *rendered, checksum(summary), checksum(rendered))


def _fill(db: sqlite3.Connection, exercises: Iterable[Exercise], source: str = "") -> None:
    """Store each exercise as it comes (one at a time, so memory stays flat), then commit.

    If `exercises` raises (a CatalogueError at its end), nothing is committed.
    """
    for statement in _SCHEMA:
        db.execute(statement)
    # First come, first served: an alias never takes over another exercise's id or name.
    names: dict[str, str] = {}

    ids: set[str] = set()

    def rows() -> Iterator[tuple[object, ...]]:
        for position, exercise in enumerate(exercises):
            # A repeated id is a problem `exercises` reports, located, when it ends; a row
            # for it here would stop the reading first with the table's own UNIQUE error.
            if exercise.id in ids:
                continue
            ids.add(exercise.id)
            for name in (exercise.id, exercise.name, *exercise.aliases):
                names.setdefault(normal(name), exercise.id)
            yield _row(position, exercise)

    db.executemany(f"INSERT INTO exercises VALUES ({','.join('?' * 17)})", rows())
    db.executemany("INSERT INTO names VALUES (?, ?)", names.items())
    db.execute("INSERT INTO meta VALUES ('source', ?)", (source,))
    db.execute(f"PRAGMA user_version = {CACHE_FORMAT}")
    db.commit()


def in_memory(exercises: Iterable[Exercise]) -> Library:
    return Library(_in_memory_db(exercises))


def _in_memory_db(exercises: Iterable[Exercise], source: str = "") -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    _fill(db, exercises, source)
    return db


def _schema_stamp() -> str:
    """What invalidates the cache besides the file: backcoach's own schema code."""
    parts = [f"format:{CACHE_FORMAT}"]
    for name in ("models.py", "catalogue/loader.py", "catalogue/library.py"):
        try:
            stat = (PACKAGE_DIR / name).stat()
            parts.append(f"{name}:{stat.st_size}:{stat.st_mtime_ns}")
        except OSError:
            parts.append(f"{name}:missing")
    return ";".join(parts)


def source_digest(data: bytes) -> str:
    """The catalogue file and the code that reads it, in one digest: the cache's key."""
    return hashlib.sha256(_schema_stamp().encode() + b"\0" + data).hexdigest()


def cache_file_for(data: bytes) -> Path:
    from backcoach.paths import cache_dir

    return cache_dir() / f"catalogue-{source_digest(data)[:32]}.sqlite3"


def _open_cached(file: Path, digest: str) -> sqlite3.Connection | None:
    """The cache, if it is whole and is the one for this source; None means rebuild it.

    Any database error here (not SQLite, a dropped table, another cache copied over it)
    is a reason to rebuild, never to fail; so is a row whose checksum does not match.
    """
    from urllib.parse import quote

    if not file.is_file():
        return None
    db: sqlite3.Connection | None = None
    try:
        # A URI, to open it read-only; the path quoted, so '#', '?' or '%' in a folder's
        # name cannot end it early and point SQLite at another file.
        db = sqlite3.connect(f"file:{quote(str(file))}?mode=ro", uri=True)
        if db.execute("PRAGMA user_version").fetchone()[0] != CACHE_FORMAT:
            raise CacheDamaged("format")
        stored = db.execute("SELECT value FROM meta WHERE key = 'source'").fetchone()
        if stored is None or stored[0] != digest:
            raise CacheDamaged("source")
        for row in db.execute(f"SELECT {_SUMMARY_COLUMNS}, summary_sum FROM exercises"):
            if checksum(row[:-1]) != row[-1]:
                raise CacheDamaged(str(row[0]))
        return db
    except (sqlite3.Error, CacheDamaged):
        if db is not None:
            db.close()
        return None


def _write(file: Path, exercises: Iterable[Exercise], source: str) -> bool:
    """Build the cache beside its final name and rename it into place (never half a file).

    False if it cannot be written; a CatalogueError from `exercises` goes on up.
    """
    temporary = file.with_name(f".{file.name}.{os.getpid()}.tmp")
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(temporary)
        try:
            _fill(db, exercises, source)
        finally:
            db.close()
        os.replace(temporary, file)
    except BaseException as error:  # never leave half a cache behind, whatever stopped it
        with contextlib.suppress(OSError):
            temporary.unlink()
        if isinstance(error, OSError | sqlite3.Error):
            return False
        raise
    for old in file.parent.glob("catalogue-*"):
        if old != file and _older_than_a_day(old):
            old.unlink(missing_ok=True)
    return True


def _older_than_a_day(path: Path) -> bool:
    import time

    try:
        return time.time() - path.stat().st_mtime > 86400
    except OSError:
        return False


def open_library(path: Path | Sequence[tuple[Path, bool]]) -> Library:
    """The catalogue at `path`, or the catalogues in `sources` (each with whether it is the
    person's own) read as one, validated (CatalogueError with every problem if not)."""
    files = [(path, False)] if isinstance(path, Path) else list(path)
    datas = [(file, read_bytes(file), personal) for file, personal in files]
    # One file: its bytes are the key, as they always were. Several: each with its name.
    data = (
        datas[0][1]
        if len(datas) == 1
        else b"\0".join(
            f"{file}\0{personal}".encode() + b"\0" + content for file, content, personal in datas
        )
    )
    digest = source_digest(data)
    cache = cache_file_for(data)

    def build() -> sqlite3.Connection:
        if _write(
            cache,
            read_all([(str(file), content, personal) for file, content, personal in datas]),
            digest,
        ):
            reopened = _open_cached(cache, digest)
            if reopened is not None:
                return reopened
        # Read again: the first pass was not kept.
        return _in_memory_db(
            read_all([(str(file), content, personal) for file, content, personal in datas]), digest
        )

    cached = _open_cached(cache, digest)
    return Library(cached if cached is not None else build(), rebuild=build)
