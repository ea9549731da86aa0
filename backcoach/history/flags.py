"""Red flags kept open until a later answer closes them, and the whole record the safety
gate reads (`gate.Record`): open flags, the clinician tier and its clearance, the last
session that counts for progression, the leg-symptoms answer.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, NamedTuple

from backcoach.clinical import RedFlag, Tier
from backcoach.errors import StorageError
from backcoach.gate import LastSession, OpenFlag, Record

if TYPE_CHECKING:
    from backcoach.history.store import History

LEG_SYMPTOMS = "leg-symptoms"
SPREADS_SHOWN = timedelta(days=14)


class ClosedFlag(NamedTuple):
    code: str
    tier: str
    raised_at: datetime
    closed_at: datetime
    how: str


def _read(history: History, query: str, parameters: Sequence[object] = ()) -> list[sqlite3.Row]:
    try:
        return list(history.db.execute(query, parameters).fetchall())
    except sqlite3.Error as exc:
        raise StorageError(f"could not read the history {history.path}: {exc}") from exc


def raise_flags(
    history: History,
    flags: Sequence[RedFlag],
    source: str,
    at: datetime,
    session_id: int | None = None,
) -> None:
    """Red flags reported (in the screen, or during a session): open until closed."""
    from backcoach.history.store import iso

    stopping = [flag for flag in flags if flag.tier is not Tier.CLINICIAN]
    if not stopping:
        return
    with history.write() as cursor:
        cursor.executemany(
            "INSERT INTO flags (code, tier, raised_at, source, session_id) VALUES (?, ?, ?, ?, ?)",
            [(flag.code, flag.tier.value, iso(at), source, session_id) for flag in stopping],
        )


def close_flag(history: History, flag_id: int, how: str, at: datetime) -> None:
    """Closed by a later answer: 'gone' (urgent, a later day) or 'assessed' (emergency)."""
    from backcoach.history.store import iso

    with history.write() as cursor:
        cursor.execute(
            "UPDATE flags SET closed_at = ?, closed_how = ? WHERE id = ? AND closed_at IS NULL",
            (iso(at), how, flag_id),
        )


def record_stop(
    history: History,
    focus: str,
    minutes: int,
    level: str,
    seed: int,
    flags: Sequence[RedFlag],
    tier: Tier,
    at: datetime,
) -> int:
    """A session stopped by the gate before it began: its row (history, stats, report)."""
    from backcoach.history.store import iso

    with history.write() as cursor:
        cursor.execute(
            """INSERT INTO sessions (started_at, ended_at, focus, minutes, level, seed,
                planned_seconds, outcome, red_flags, red_flag_tier)
               VALUES (?, ?, ?, ?, ?, ?, 0, 'red flag', ?, ?)""",
            (
                iso(at),
                iso(at),
                focus,
                minutes,
                level,
                seed,
                json.dumps([flag.code for flag in flags]),
                tier.value,
            ),
        )
        session_id = cursor.lastrowid
    assert session_id is not None
    return session_id


def open_flags(history: History) -> tuple[OpenFlag, ...]:
    rows = _read(
        history,
        "SELECT id, code, tier, raised_at, source FROM flags WHERE closed_at IS NULL "
        "ORDER BY raised_at, id",
    )
    found = []
    for row in rows:
        try:
            found.append(
                OpenFlag(
                    row["code"],
                    Tier(row["tier"]),
                    datetime.fromisoformat(row["raised_at"]),
                    row["source"] == "session",
                    int(row["id"]),
                )
            )
        except (ValueError, TypeError):
            continue  # a row this backcoach cannot read is not a flag it can ask about
    # The same item reported twice is asked about once (the oldest row stands for it).
    seen: dict[str, OpenFlag] = {}
    for flag in found:
        seen.setdefault(flag.code, flag)
    return tuple(seen.values())


def closed_flags(history: History, limit: int = 20) -> list[ClosedFlag]:
    rows = _read(
        history,
        "SELECT code, tier, raised_at, closed_at, closed_how FROM flags "
        "WHERE closed_at IS NOT NULL ORDER BY closed_at DESC LIMIT ?",
        (limit,),
    )
    found = []
    for row in rows:
        try:
            raised, closed = (datetime.fromisoformat(row[k]) for k in ("raised_at", "closed_at"))
        except (ValueError, TypeError):
            continue  # a row this backcoach cannot read is left out, as sessions are
        found.append(ClosedFlag(row["code"], row["tier"], raised, closed, row["closed_how"]))
    return found


def close_all_of(history: History, code: str, how: str, at: datetime) -> None:
    """Every open row of one item (an item reported twice closes once)."""
    from backcoach.history.store import iso

    with history.write() as cursor:
        cursor.execute(
            "UPDATE flags SET closed_at = ?, closed_how = ? WHERE code = ? AND closed_at IS NULL",
            (iso(at), how, code),
        )


# A session whose start a hand edit or damage made unreadable is left out of what the
# gate reads (as `history` leaves it out, with a warning), never read as the newest.
READABLE_START = "started_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*'"


def last_counting(history: History) -> LastSession | None:
    """The newest session that counts for progression: not a desk break, a flare-up or a
    red-flag stop (from the screen or during the session)."""
    rows = _read(
        history,
        "SELECT id, started_at, next_morning FROM sessions WHERE snack = 0 AND flare_up = 0 "
        f"AND outcome != 'red flag' AND red_flags = '[]' AND {READABLE_START} "
        "ORDER BY started_at DESC, id DESC LIMIT 1",
    )
    if not rows:
        return None
    row = rows[0]
    worked = _read(
        history,
        "SELECT 1 FROM session_exercises WHERE session_id = ? AND work_seconds > 0 LIMIT 1",
        (row["id"],),
    )
    answer = row["next_morning"]
    return LastSession(
        int(row["id"]),
        datetime.fromisoformat(row["started_at"]),
        None if answer is None else bool(answer),
        bool(worked),
    )


def spreads(history: History, since: datetime) -> list[datetime]:
    """When leg symptoms spread in a session, since a moment (newest first)."""
    from backcoach.history.store import iso

    rows = _read(
        history,
        "SELECT started_at FROM sessions WHERE symptoms_spread = 1 AND started_at >= ? "
        f"AND {READABLE_START} ORDER BY started_at DESC",
        (iso(since),),
    )
    return [datetime.fromisoformat(row["started_at"]) for row in rows]


# Said at the second spread within 14 days (CLINICAL.md: advise a clinician before more
# extension work; it returns, a step lower, once their OK is confirmed).
SYMPTOM_STOP_AGAIN = (
    "Then stop the back-bending (extension) exercises for today: symptoms moving further "
    "down the leg are a sign to stop them. This is the second time within 14 days, so "
    "please see a physiotherapist or doctor before doing any more back-bending exercises. "
    "backcoach leaves them out until you tell it they have said these exercises are OK "
    "(and for at least the next 7 days); then they come back a step lower. If you notice "
    "numbness or weakness, see a doctor or physiotherapist."
)


def spread_before(history: History, since: datetime, session_id: int | None) -> datetime | None:
    """The newest spread since a moment in a session other than this one (the second
    spread within 14 days is said at once), or None."""
    from backcoach.history.store import iso

    rows = _read(
        history,
        "SELECT started_at FROM sessions WHERE symptoms_spread = 1 AND started_at >= ? "
        f"AND (? IS NULL OR id != ?) AND {READABLE_START} ORDER BY started_at DESC LIMIT 1",
        (iso(since), session_id, session_id),
    )
    return datetime.fromisoformat(rows[0]["started_at"]) if rows else None


def ended_early(history: History) -> list[tuple[datetime, str, tuple[str, ...]]]:
    """(started, outcome, red flags said) of each session that did not run to its end
    (red-flag stops before a session, which never began, left out), oldest first."""
    rows = _read(
        history,
        "SELECT started_at, outcome, red_flags FROM sessions WHERE completed = 0 AND "
        f"outcome != 'red flag' AND {READABLE_START} ORDER BY started_at, id",
    )
    out = []
    for row in rows:
        try:
            said = json.loads(row["red_flags"] or "[]")
            codes = tuple(str(code) for code in said) if isinstance(said, list) else ()
            out.append((datetime.fromisoformat(row["started_at"]), str(row["outcome"]), codes))
        except (ValueError, TypeError):
            continue  # an unreadable row is left out, as everywhere in the record
    return out


def gate_record(history: History | None) -> Record:
    """The whole record the gate reads (an empty one without a history)."""
    if history is None:
        return Record()
    from backcoach.history.routines import episode_answer

    memory = history.screening_memory()
    answered = episode_answer(history, LEG_SYMPTOMS)
    checked = memory.clinician_checked
    leg: bool | None = None
    if answered is not None and not (checked is not None and answered[0] < checked):
        leg = answered[1] == "yes"
    hold, ok_at = _extension_hold(history)
    return Record(
        open_flags(history),
        memory,
        last_counting(history),
        leg,
        _conditions(history, checked),
        hold,
        ok_at,
        *_weeks_due(history, checked),
    )


WEEKS = "weeks"  # the see-a-clinician item "not improved after about 4 to 6 weeks"
# The person said it does not apply though backcoach's figures showed no improvement.
WEEKS_NOT_SO = "weeks-not-so"


def _weeks_due(history: History, checked: datetime | None) -> tuple[bool, str]:
    """Pain before sessions has not improved over 4 weeks or more (history/stats.py) and
    the see-a-clinician items were not answered since that became so; and why, in
    backcoach's own figures."""
    from backcoach.clinical import ONCE_PER_EPISODE
    from backcoach.history.overview import pain_before_since
    from backcoach.history.stats import no_improvement
    from backcoach.history.store import now

    at = now()
    found = no_improvement(pain_before_since(history, at - timedelta(weeks=8)), at)
    if found is None or not found.weeks_4_to_6 or found.clinician_from is None:
        return False, ""
    if checked is not None and checked >= found.clinician_from:
        return False, ""
    item = next(n for n, flag in enumerate(ONCE_PER_EPISODE, 1) if flag.code == WEEKS)
    return True, (
        f"backcoach's record: pain before sessions has not improved over {found.days} days "
        f"(median {found.first_median:g} in the first week, {found.last_median:g} in the "
        f"last): if that is right, item {item} applies."
    )


EXTENSION_OK = "extension-ok"
SECOND_SPREAD_WINDOW = timedelta(days=14)


def _extension_hold(
    history: History,
) -> tuple[tuple[datetime, datetime] | None, datetime | None]:
    """The last two spreads within 14 days with no clinician's OK confirmed since, and
    when that OK was last confirmed (CLINICAL.md: a second spread within 14 days)."""
    from backcoach.history.routines import episode_answer

    moments = sorted(spreads(history, datetime(1970, 1, 1, tzinfo=UTC)))
    answered = episode_answer(history, EXTENSION_OK)
    ok_at = answered[0] if answered is not None and answered[1] == "yes" else None
    pairs = [
        (earlier, later)
        for earlier, later in zip(moments, moments[1:], strict=False)
        if later - earlier <= SECOND_SPREAD_WINDOW
    ]
    if not pairs or (ok_at is not None and ok_at >= pairs[-1][1]):
        return None, ok_at
    return pairs[-1], ok_at


CONDITION_PREFIX = "condition:"


def _conditions(history: History, checked: datetime | None) -> tuple[str, ...] | None:
    """The conditions that apply (once-per-episode answers, one per condition), or None
    when any is still to ask (never asked, or asked before this episode's check)."""
    from backcoach.clinical import CONDITIONS, PAST_16_WEEKS, PREGNANT
    from backcoach.history.routines import episode_answer

    applying: list[str] = []
    for condition in CONDITIONS:
        answered = episode_answer(history, CONDITION_PREFIX + condition.code)
        if condition.code == PAST_16_WEEKS and PREGNANT not in applying:
            continue  # asked only when pregnant
        if answered is None or (checked is not None and answered[0] < checked):
            return None
        if answered[1] == "yes":
            applying.append(condition.code)
    return tuple(applying)


def readable_record() -> Record:
    """The record for a session whose history cannot be written: read if it can be, else
    empty (the session then says it cannot be saved)."""
    try:
        return existing_record()
    except StorageError:
        return Record()


def existing_record() -> Record:
    """The record from the saved history, if there is one (read-only; none: empty)."""
    from backcoach.history.store import existing_history

    found = existing_history()
    if found is None:
        return Record()
    with found:
        return gate_record(found)
