"""The red-flag screen's rules over days: the clock is injected, never waited for."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from backcoach import clinical as screening
from backcoach.clinical import EVERY_SESSION, ONCE_PER_EPISODE, Memory, Screening, Tier
from backcoach.coach.screen import screen
from backcoach.history.overview import overview_of
from backcoach.history.store import open_history

MONDAY = datetime(2026, 11, 16, 8, 10, tzinfo=UTC)


class Person:
    """Answers the screen's questions in order, and keeps what was asked and shown."""

    def __init__(self, *answers: str) -> None:
        self.answers = list(answers)
        self.asked: list[str] = []
        self.shown: list[int] = []
        self.said: list[str] = []

    def ask(self, question: str) -> str:
        self.asked.append(question)
        return self.answers.pop(0)

    def run(self, memory: Memory, now: datetime) -> Screening:
        return screen(
            memory, now, self.ask, lambda flags, _: self.shown.append(len(flags)),
            self.said.append, check_time="08:10",
        )  # fmt: skip


def test_none_apply_must_be_said_not_an_empty_enter() -> None:
    person = Person("", "none", "0")
    result = person.run(Memory(), MONDAY)
    assert result.tier is None and result.full_check
    assert any("Please type none (or 0)" in line for line in person.said)
    assert person.shown == [len(EVERY_SESSION), len(ONCE_PER_EPISODE)]  # first time: both


def test_emergency_items_carry_their_reason() -> None:
    emergency = [flag for flag in EVERY_SESSION if flag.tier is Tier.EMERGENCY]
    assert len(emergency) == 7
    assert all(flag.reason for flag in emergency)
    assert "heart" in screening.BY_CODE["chest-pain"].reason
    assert "broken bone" in screening.BY_CODE["trauma"].reason
    assert "cauda equina" in screening.BY_CODE["saddle"].reason
    assert screening.BY_CODE["cancer"].tier is Tier.URGENT


def test_a_clearance_lasts_six_weeks(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    first = Person("0", "1", "y").run(Memory(), MONDAY)  # over 50, first episode; cleared
    assert first.tier is None and first.cleared
    with open_history(path) as history:
        history.record_safety_check("full", [], at=MONDAY)
        codes = [flag.code for flag in first.clinician or ()]
        history.record_safety_check("clinician", codes, cleared=True, at=MONDAY)
        memory = history.screening_memory()
    assert memory.cleared and memory.clinician_flags == ("age",)
    later = Person("0")
    checked = later.run(memory, MONDAY + timedelta(days=41))  # under 6 weeks: not asked again
    assert later.shown == [len(EVERY_SESSION)]
    assert "a clinician has said exercise is fine" in checked.notes[0]
    assert "asks again on 28 Dec" in checked.notes[0]
    expired = Person("0", "1", "n")
    result = expired.run(memory, MONDAY + timedelta(weeks=6))
    assert expired.shown == [len(EVERY_SESSION), len(ONCE_PER_EPISODE)]
    assert result.tier is Tier.CLINICIAN  # not cleared this time: no session


def test_a_new_episode_asks_the_clinician_items_again() -> None:
    memory = Memory(last_full_check=MONDAY, clinician_checked=MONDAY, cleared=False)
    person = Person("0 new", "0")
    person.run(memory, MONDAY + timedelta(days=2))
    assert person.shown == [len(EVERY_SESSION), len(ONCE_PER_EPISODE)]


def test_an_item_not_cleared_is_asked_every_time() -> None:
    memory = Memory(last_full_check=MONDAY, clinician_checked=MONDAY, clinician_flags=("weeks",))
    person = Person("0", "4", "n")
    assert person.run(memory, MONDAY + timedelta(days=1)).tier is Tier.CLINICIAN


def test_a_later_session_the_same_day_asks_one_line() -> None:
    memory = Memory(last_full_check=MONDAY, clinician_checked=MONDAY)
    brief = Person("n")
    assert brief.run(memory, MONDAY + timedelta(hours=4)).tier is None
    assert brief.asked == ["Anything new or worse since your safety check at 08:10? "
                           "(y shows the list again) [y/n]"]  # fmt: skip
    assert brief.shown == []
    again = Person("y", "5")
    assert again.run(memory, MONDAY + timedelta(hours=4)).tier is Tier.EMERGENCY
    next_day = Person("0")
    next_day.run(memory, MONDAY + timedelta(days=1))
    assert next_day.shown == [len(EVERY_SESSION)]  # the full list on a new day


def test_a_red_flag_reported_last_time_is_asked_about_first() -> None:
    memory = Memory(last_full_check=MONDAY, flags_last_time=("fever",), clinician_checked=MONDAY)
    still = Person("y")
    result = still.run(memory, MONDAY + timedelta(days=1))
    assert "38 °C" in still.asked[0] and result.tier is Tier.URGENT
    gone = Person("n", "0")
    assert gone.run(memory, MONDAY + timedelta(hours=2)).tier is None
    assert gone.shown == [len(EVERY_SESSION)]  # then the whole list, not the one line


def test_yes_prints_every_list_and_confirms_none() -> None:
    shown: list[int] = []
    said: list[str] = []
    result = screen(
        Memory(), MONDAY, None, lambda flags, _: shown.append(len(flags)), said.append, yes=True
    )
    assert result.tier is None and shown == [len(screening.RED_FLAGS)]
    assert said == ["--yes: you confirm that none of these apply to you today."]


def test_the_report_shows_each_clearance_with_its_date(tmp_path: Path) -> None:
    from datetime import date

    from backcoach.history.stats import compute
    from backcoach.render import report

    with open_history(tmp_path / "history.sqlite3") as history:
        history.record_safety_check("clinician", ["age"], cleared=True, at=MONDAY)
        overview = overview_of(history)
    text = report.markdown(overview, compute(overview, date(2026, 11, 21)), date(2026, 11, 21))
    assert "2026-11-16: applied: this is your first back pain" in text
    assert "A clinician had said exercise is fine" in text
