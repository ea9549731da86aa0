"""The planned sessions of the schedule: today's session as the safety gate allows it
(`week`), and for `remind` the next planned time and what is said then. A session the
gate would refuse is never announced: the reminder says there is something to answer
first instead."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from backcoach import gate
from backcoach.history.programme import ScheduleChange
from backcoach.vocabulary import focus_words, parse_focus

REFUSED = (
    "Your back session is planned now, but backcoach holds something to ask about first "
    "(backcoach safety): no session announced."
)


def session_words(defaults: Mapping[str, Any]) -> str:
    """ "10 minutes, lower back": the person's usual session, from config."""
    regions, kinds = parse_focus(defaults["focus"])
    minutes = int(defaults["minutes"])
    return f"{minutes} minute{'s' if minutes != 1 else ''}, {focus_words(regions, kinds)}"


def today(verdict: gate.Verdict, defaults: Mapping[str, Any]) -> str:
    """Today's session in words, as the gate allows it."""
    if verdict.stops or verdict.allowed is gate.Allowed.NONE:
        return (
            "no exercise for now: backcoach holds something to ask about first (backcoach safety)"
        )
    if verdict.allowed is gate.Allowed.FLARE_UP:
        return "a gentle flare-up session only (backcoach start --flare-up)"
    return f"{session_words(defaults)} (backcoach start)"


def gate_now(now: datetime) -> gate.Verdict:
    """What `start` would be allowed now, from the saved record."""
    from backcoach.history.flags import existing_record

    return gate.decide(existing_record(), gate.Moment(now, gate.Way.PLAN))


class GateRefused(Exception):
    """The safety gate allows no exercise now: `remind` ends (exit 3)."""


def desk_break_refused(now: datetime) -> str | None:
    """The gate's answer for a desk break now, from the history as it is now (a flag
    raised in another terminal counts): why not, or None when a break is allowed."""
    from backcoach.history.flags import readable_record

    verdict = gate.decide(readable_record(), gate.Moment(now, gate.Way.REMIND))
    if not verdict.stops:
        return None
    said = "; ".join(flag.text for flag in verdict.flags)
    return (
        "No more desk-break nudges: backcoach now holds something to ask about before any "
        f"exercise ({said}). Run backcoach safety to see it and answer, then remind again."
    )


def message(verdict: gate.Verdict, defaults: Mapping[str, Any]) -> str | None:
    """What a scheduled reminder says; None: the gate refuses a session now."""
    if verdict.stops or verdict.allowed is gate.Allowed.NONE:
        return None
    if verdict.allowed is gate.Allowed.FLARE_UP:
        return "Your back session: a gentle flare-up session today (backcoach start --flare-up)"
    return f"Your back session: {session_words(defaults)} (backcoach start)"


def next_planned(schedule: ScheduleChange | None, after: datetime) -> datetime | None:
    """The first planned moment strictly after `after` (local time), or None."""
    if schedule is None or not schedule.days:
        return None
    hours, minutes = (int(part) for part in schedule.at.split(":"))
    local = after.astimezone()
    for ahead in range(8):
        day = local.date() + timedelta(days=ahead)
        if day.weekday() not in schedule.days:
            continue
        naive = datetime(day.year, day.month, day.day, hours, minutes)
        moment = naive.astimezone()  # local time that day (summer time counted)
        if moment > after:
            return moment
    return None


class Planned:
    """`remind`'s part for the schedule: when the next planned session is, and at that
    time the words for it (the gate asked then; None: it refuses, so none announced)."""

    LATE = timedelta(minutes=2)  # a time passed longer ago (a suspend) is let go quietly

    def __init__(
        self,
        schedule: ScheduleChange | None,
        words: Callable[[datetime], str | None],
        since: datetime | None = None,
    ) -> None:
        self.schedule, self.words = schedule, words
        self.since = since  # the planned times after this one are still to come

    def next_after(self, moment: datetime) -> datetime | None:
        return next_planned(self.schedule, moment)

    def wait(self, now: datetime) -> float | None:
        """Seconds until the next planned time; None: none."""
        self.since = self.since or now
        at = self.next_after(self.since)
        return None if at is None else max(0.0, (at - now).total_seconds())

    def due(self, now: datetime) -> tuple[str, bool] | None:
        """None before the next planned time; then (the line to say, whether to notify)."""
        self.since = self.since or now
        at = self.next_after(self.since)
        if at is None or now < at:
            return None
        self.since = now
        if now - at >= self.LATE:
            return "", False
        text = self.words(now)
        return (REFUSED, False) if text is None else (text, True)

    def describe(self) -> str:
        from backcoach.plan.week import days_words

        assert self.schedule is not None
        return f"{days_words(self.schedule.days)} at {self.schedule.at}."


def for_remind(defaults: Mapping[str, Any]) -> Planned | None:
    """The schedule saved in the history, if any."""
    from backcoach.history.programme import existing_programme

    schedule = existing_programme().schedule
    if schedule is None:
        return None
    return Planned(schedule, lambda now: message(gate_now(now), defaults))
