"""The red-flag screen's rules over days: the clock is injected, never waited for."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from backcoach import clinical as screening
from backcoach.clinical import BY_CODE, EVERY_SESSION, ONCE_PER_EPISODE, Memory, Screening, Tier
from backcoach.coach.screen import ask_open_flags, screen
from backcoach.gate import OpenFlag
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
    # over 50, first episode (said back: "is that right?" y); cleared
    first = Person("0", "1", "y", "y").run(Memory(), MONDAY)
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
    expired = Person("0", "1", "y", "n")
    result = expired.run(memory, MONDAY + timedelta(weeks=6))
    assert expired.shown == [len(EVERY_SESSION), len(ONCE_PER_EPISODE)]
    assert result.tier is Tier.CLINICIAN  # not cleared this time: no session


def test_a_new_episode_asks_the_clinician_items_again() -> None:
    memory = Memory(last_full_check=MONDAY, clinician_checked=MONDAY, cleared=False)
    person = Person("0 new", "0")
    person.run(memory, MONDAY + timedelta(days=2))
    assert person.shown == [len(EVERY_SESSION), len(ONCE_PER_EPISODE)]


def test_an_item_not_cleared_is_asked_every_time_and_none_cannot_wipe_it() -> None:
    memory = Memory(last_full_check=MONDAY, clinician_checked=MONDAY, clinician_flags=("weeks",))
    person = Person("0", "n")
    assert person.run(memory, MONDAY + timedelta(days=1)).tier is Tier.CLINICIAN
    # The clinician list is not offered again: only whether a clinician has cleared it.
    assert person.shown == [len(EVERY_SESSION)]
    assert any("Last time you told backcoach" in line for line in person.said)
    cleared = Person("0", "y").run(memory, MONDAY + timedelta(days=1))
    assert cleared.tier is None and cleared.cleared
    assert cleared.clinician == (BY_CODE["weeks"],)  # recorded with the item it clears


def test_a_later_session_the_same_day_asks_one_line() -> None:
    memory = Memory(last_full_check=MONDAY, clinician_checked=MONDAY)
    brief = Person("n")
    assert brief.run(memory, MONDAY + timedelta(hours=4)).tier is None
    assert brief.asked == ["Anything new or worse since your safety check at 08:10? "
                           "(y shows the list again) [y/n]"]  # fmt: skip
    assert brief.shown == []
    again = Person("y", "5", "y")
    assert again.run(memory, MONDAY + timedelta(hours=4)).tier is Tier.EMERGENCY
    next_day = Person("0")
    next_day.run(memory, MONDAY + timedelta(days=1))
    assert next_day.shown == [len(EVERY_SESSION)]  # the full list on a new day


def test_a_red_flag_stays_open_until_a_later_answer_closes_it() -> None:
    """Emergency: closed only by a clinician's assessment; urgent: only on a later day."""
    fever = OpenFlag("fever", Tier.URGENT, MONDAY)
    saddle = OpenFlag("saddle", Tier.EMERGENCY, MONDAY, during_session=True)
    same_day = Person()
    closed, still = ask_open_flags((fever,), MONDAY + timedelta(hours=2), same_day.ask,
                                   same_day.said.append)  # fmt: skip
    assert closed == () and still == (fever.flag,) and same_day.asked == []
    assert "stays in place for today" in same_day.said[0]
    next_day = Person("n", "n")
    closed, still = ask_open_flags((fever, saddle), MONDAY + timedelta(days=1), next_day.ask,
                                   next_day.said.append)  # fmt: skip
    assert closed == ((fever, "gone"),) and still == (saddle.flag,)
    assert "On Monday 16 Nov at 08:10 you told backcoach: a temperature" in next_day.asked[0]
    assert "during a session" in next_day.asked[1] and "assessed" in next_day.asked[1]
    assessed = Person("y")
    closed, still = ask_open_flags((saddle,), MONDAY + timedelta(days=1), assessed.ask,
                                   assessed.said.append)  # fmt: skip
    assert closed == ((saddle, "assessed"),) and still == ()


def test_chosen_items_are_said_back_before_a_stop() -> None:
    mistyped = Person("6", "n", "0")  # 6 is chest pain: "no, that is not right", then none
    result = mistyped.run(Memory(last_full_check=MONDAY - timedelta(days=1),
                                 clinician_checked=MONDAY), MONDAY)  # fmt: skip
    assert result.tier is None
    said_back = "You chose:\n  • chest pain along with the back pain\nIs that right?"
    assert said_back in mistyped.asked[1]


def test_cancer_in_the_history_asks_about_the_legs_at_once() -> None:
    cancer = EVERY_SESSION.index(screening.BY_CODE["cancer"]) + 1
    person = Person(str(cancer), "y", "y")
    result = person.run(Memory(clinician_checked=MONDAY), MONDAY)
    assert "new weakness, numbness or difficulty walking" in person.asked[2]
    assert result.tier is Tier.EMERGENCY and screening.CANCER_LEGS in result.flags
    assert "acute oncology line" in screening.CANCER_LEGS.advice


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
