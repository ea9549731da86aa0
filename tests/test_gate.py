"""The one safety gate (issue 22): the whole record and the moment → what is allowed now.

Pure rules first, then every way in over generated records (hypothesis): each obeys the
gate's verdict. Real SQLite files; the clock is injected, never waited for.
"""

from __future__ import annotations

import json
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from backcoach.clinical import BY_CODE, CANCER_LEGS, DURING_SESSION, Memory, Tier
from backcoach.gate import (
    Allowed,
    Answers,
    LastSession,
    Moment,
    OpenFlag,
    Question,
    Record,
    Way,
    decide,
    extension_ok_at,
)
from backcoach.history.flags import close_all_of, gate_record, raise_flags
from backcoach.history.store import open_history
from backcoach.timer.keys import Key

from .builders import one_step_plan
from .conftest import RunCli
from .fakes import FakeClock, ScriptedKeys

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
EARLIER_TODAY = NOW - timedelta(hours=2)
YESTERDAY = NOW - timedelta(days=1)
CHECKED = Memory(last_full_check=EARLIER_TODAY, clinician_checked=EARLIER_TODAY)
SCREENED = Answers(flags_asked=True, screened=True)


def saddle(at: datetime = EARLIER_TODAY) -> OpenFlag:
    return OpenFlag("saddle", Tier.EMERGENCY, at)


def test_an_open_flag_stops_every_way_in_until_it_is_closed() -> None:
    record = Record((saddle(),), CHECKED)
    for way in (Way.START, Way.SNACK, Way.PLAN, Way.REMIND):
        verdict = decide(record, Moment(NOW, way))
        assert verdict.stops and verdict.tier is Tier.EMERGENCY
        assert verdict.asks[0] is Question.OPEN_FLAGS  # asked about first
        assert Question.BRIEF not in verdict.asks  # the whole list follows, not one line
    assert decide(record, Moment(NOW, Way.START, flare_up=True)).stops
    still = decide(record, Moment(NOW), Answers(flags_asked=True, still_open=(BY_CODE["saddle"],)))
    assert still.stops and "emergency" in still.advice
    closed = decide(record, Moment(NOW), Answers(flags_asked=True, screened=True, pain=3))
    assert closed.allowed is Allowed.SESSION


def test_yes_never_overrides_what_the_record_holds() -> None:
    for record in (
        Record((saddle(),), CHECKED),
        Record((OpenFlag("fever", Tier.URGENT, YESTERDAY),), CHECKED),
        Record((), Memory(clinician_checked=EARLIER_TODAY, clinician_flags=("weeks",))),
    ):
        for way in (Way.START, Way.SNACK):
            verdict = decide(record, Moment(NOW, way, yes=True))
            assert verdict.refuse_yes is not None and verdict.allowed is Allowed.NONE
    cleared = Memory(clinician_checked=EARLIER_TODAY, clinician_flags=("weeks",), cleared=True)
    for record in (Record(), Record((), cleared)):
        verdict = decide(record, Moment(NOW, yes=True))
        assert verdict.refuse_yes is None and verdict.allowed is Allowed.SESSION
        assert verdict.asks == ()
        left_out = dict(verdict.exclusions)
        assert set(left_out) == {"extension", "nerve_tension"}  # no symptom question after


def test_yes_cannot_renew_a_clearance_six_weeks_on() -> None:
    cleared = Memory(clinician_checked=NOW - timedelta(weeks=6, days=1),
                     clinician_flags=("immune",), cleared=True)  # fmt: skip
    verdict = decide(Record((), cleared), Moment(NOW, yes=True))
    assert verdict.refuse_yes is not None and verdict.allowed is Allowed.NONE
    assert "weakened immune system" in verdict.refuse_yes
    nothing_named = Memory(clinician_checked=NOW - timedelta(weeks=7))
    assert decide(Record((), nothing_named), Moment(NOW, yes=True)).refuse_yes is None


def test_an_uncleared_clinician_item_is_asked_at_every_session() -> None:
    memory = Memory(
        last_full_check=EARLIER_TODAY, clinician_checked=EARLIER_TODAY, clinician_flags=("weeks",)
    )
    verdict = decide(Record((), memory), Moment(NOW))
    assert verdict.stops and verdict.tier is Tier.CLINICIAN
    assert verdict.asks[:2] == (Question.BRIEF, Question.CLINICIAN)
    still = Answers(screened=True, clinician=(BY_CODE["weeks"],), cleared=False)
    assert decide(Record((), memory), Moment(NOW), still).stops
    cleared = Answers(screened=True, clinician=(BY_CODE["weeks"],), cleared=True, pain=2)
    assert decide(Record((), memory), Moment(NOW), cleared).allowed is Allowed.SESSION


def test_a_flag_during_a_session_stops_it() -> None:
    verdict = decide(Record(), Moment(NOW, Way.LIVE), Answers(during_session=True))
    assert verdict.stops and verdict.flags == (DURING_SESSION,)


@pytest.mark.parametrize("pain", [9, 10])
def test_pain_9_or_10_asks_the_severe_item_again(pain: int) -> None:
    record, moment = Record((), CHECKED), Moment(NOW)
    asked = decide(record, moment, Answers(screened=True, pain=pain))
    assert asked.asks == (Question.SEVERE,)
    severe = decide(record, moment, Answers(screened=True, pain=pain, severe=True))
    assert severe.stops and severe.tier is Tier.URGENT and severe.flags == (BY_CODE["severe"],)
    offered = decide(record, moment, Answers(screened=True, pain=pain, severe=False))
    assert offered.allowed is Allowed.FLARE_UP and offered.asks == (Question.FLARE_UP,)
    declined = Answers(screened=True, pain=pain, severe=False, flare_up=False)
    verdict = decide(record, moment, declined)
    assert verdict.allowed is Allowed.NONE and not verdict.stops  # exit 0: declined
    accepted = Answers(screened=True, pain=pain, severe=False, flare_up=True)
    assert decide(record, moment, accepted).allowed is Allowed.FLARE_UP


def test_pain_7_or_8_offers_the_flare_up_session_and_a_no_keeps_the_session() -> None:
    record, moment = Record((), CHECKED), Moment(NOW)
    assert decide(record, moment, Answers(screened=True, pain=7)).asks == (Question.FLARE_UP,)
    no = decide(record, moment, Answers(screened=True, pain=7, flare_up=False))
    assert no.allowed is Allowed.SESSION


def test_cancer_with_new_leg_symptoms_is_an_emergency() -> None:
    verdict = decide(Record(), Moment(NOW), Answers(screened=True, flags=(CANCER_LEGS,)))
    assert verdict.tier is Tier.EMERGENCY
    assert "acute oncology line" in verdict.advice and "emergency number" in verdict.advice


def test_the_next_morning_question_is_about_the_last_session_that_counts() -> None:
    last = LastSession(7, YESTERDAY)
    asks = decide(Record((), CHECKED, last, leg_symptoms=False), Moment(NOW)).asks
    assert Question.NEXT_MORNING in asks
    assert asks.index(Question.NEXT_MORNING) < asks.index(Question.PAIN)
    verdict = decide(
        Record((), CHECKED, last, False), Moment(NOW), Answers(screened=True, next_morning=False)
    )
    assert verdict.step_back == 7
    today = LastSession(7, EARLIER_TODAY)  # its next morning has not come
    assert Question.NEXT_MORNING not in decide(Record((), CHECKED, today), Moment(NOW)).asks
    old = LastSession(7, NOW - timedelta(days=4))
    assert Question.NEXT_MORNING not in decide(Record((), CHECKED, old), Moment(NOW)).asks


def test_the_questions_come_in_one_order() -> None:
    record = Record((saddle(YESTERDAY),), Memory(), LastSession(3, YESTERDAY))
    assert decide(record, Moment(NOW)).asks == (
        Question.OPEN_FLAGS, Question.SCREEN, Question.CLINICIAN, Question.LEG_SYMPTOMS,
        Question.CONDITIONS, Question.NEXT_MORNING, Question.PAIN, Question.LEG_PAIN,
    )  # fmt: skip
    snack = decide(record, Moment(NOW, Way.SNACK)).asks
    assert snack == (Question.OPEN_FLAGS, Question.SCREEN, Question.CLINICIAN)


def test_a_flag_stays_open_in_the_history_until_closed(tmp_path: Path) -> None:
    with open_history(tmp_path / "history.sqlite3") as history:
        raise_flags(history, [BY_CODE["fever"], BY_CODE["weeks"]], "screen", EARLIER_TODAY)
        session = history.begin(one_step_plan(None), "lower back", 3, [])
        history.record_session_flag(session, DURING_SESSION.code, "emergency")
        record = gate_record(history)
        assert [(f.code, f.during_session) for f in record.open_flags] == [
            ("fever", False),
            ("new-weakness", True),
        ]  # the clinician item is not a flag: its clearance is
        close_all_of(history, "fever", "gone", NOW)
        assert [f.code for f in gate_record(history).open_flags] == ["new-weakness"]


# --- every way in, over generated records -------------------------------------------

URGENT = ("fever", "night-pain")
EMERGENCY = ("saddle", "leg-weakness")
ages = st.sampled_from([timedelta(minutes=5), timedelta(hours=30), timedelta(days=5)])
flag_rows = st.lists(
    st.tuples(st.sampled_from(URGENT + EMERGENCY), ages, st.booleans()),
    max_size=3,
    unique_by=lambda row: row[0],  # closing an item closes every row of it
)
clinician_rows = st.none() | st.tuples(
    st.sampled_from([(), ("weeks",), ("age", "immune")]), st.booleans(), ages
)


def write_record(
    home: Path,
    flags: list[tuple[str, timedelta, bool]],
    clinician: tuple[tuple[str, ...], bool, timedelta] | None,
    snack_since: bool,
    now: datetime,
) -> None:
    with open_history(home / "history.sqlite3") as history:
        history.record_safety_check("full", [], at=now - timedelta(days=2))
        for code, age, closed in flags:
            raise_flags(history, [BY_CODE[code]], "screen", now - age)
            if closed:
                close_all_of(history, code, "assessed", now)
        if clinician is not None:
            items, cleared, age = clinician
            history.record_safety_check("clinician", list(items), cleared=cleared, at=now - age)
        if snack_since:
            plan = one_step_plan(None).model_copy(update={"snack": True})
            session = history.begin(plan, "desk break", None, [], started_at=now - age_of(flags))
            history.finish(session, outcome="done", completed=True, active_seconds=60)


def age_of(flags: list[tuple[str, timedelta, bool]]) -> timedelta:
    return timedelta(minutes=1) if not flags else min(age for _, age, _ in flags) / 2


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(flags=flag_rows, clinician=clinician_rows, snack_since=st.booleans())
def test_every_way_in_obeys_the_gate(
    flags: list[tuple[str, timedelta, bool]],
    clinician: tuple[tuple[str, ...], bool, timedelta] | None,
    snack_since: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    run = RunCli()
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        monkeypatch.setenv("BACKCOACH_HOME", str(home))
        monkeypatch.setenv("BACKCOACH_TIME_SCALE", "0.0001")
        now = datetime.now(UTC).replace(microsecond=0)
        write_record(home, flags, clinician, snack_since, now)
        with open_history(home / "history.sqlite3") as history:
            record = gate_record(history)
        held = any(not closed for _, _, closed in flags)
        uncleared = clinician is not None and bool(clinician[0]) and not clinician[1]
        verdict = decide(record, Moment(now))
        assert verdict.stops == (held or uncleared)  # the record decides, not the path

        planned = run("plan", "--json", "--minutes", "5")
        assert planned.exit_code == (3 if verdict.stops else 0)
        shown = json.loads(planned.stdout)
        assert shown["verdict"]["allowed"] == verdict.allowed.value
        assert shown["asks"] == [ask.value for ask in verdict.asks]
        snack_plan = run("plan", "--snack", "--json")
        assert snack_plan.exit_code == planned.exit_code

        for way in (["start", "--minutes", "5"], ["snack"]):
            ran = run(*way, "--yes", "--sound", "off", "--plain")
            if held or uncleared:
                assert ran.exit_code == 2 and "--yes cannot be used now" in ran.stderr
            else:
                assert ran.exit_code == 0, ran.stderr
                assert "symptoms cannot be reported" in ran.stdout  # no keyboard: said first
        if verdict.stops:
            reminded = run("remind", "--times", "1")
            assert reminded.exit_code == 3
        if not (held or uncleared):
            with open_history(home / "history.sqlite3") as history:
                done = [s for s in history.sessions(2) if not s.snack]
            planned_ids = {e.id for s in done for e in s.exercises}
            assert not planned_ids & NERVE_OR_EXTENSION  # --yes leaves them out


def _nerve_or_extension() -> frozenset[str]:
    from backcoach.catalogue.loader import bundled_path, load

    return frozenset(e.id for e in load(bundled_path()).exercises if e.extension or e.nerve_tension)


NERVE_OR_EXTENSION = _nerve_or_extension()


# --- the interactive way in, over generated records and answers ---------------------


class Person:
    """Answers a session's questions from what was generated; keeps what was asked."""

    def __init__(self, answers: dict[str, object], uncleared: tuple[str, ...]) -> None:
        self.answers, self.uncleared = answers, uncleared
        self.asked: list[str] = []

    def ask(self, question: str) -> str:
        self.asked.append(question)
        said = self.answers

        def yn(key: str) -> str:
            return "y" if said[key] else "n"

        if "assessed this" in question:
            return yn("assessed")
        if "Does it still apply" in question:
            return yn("still_applies")
        if "(1-15)" in question:
            return "0"
        if "(1-5)" in question:  # the same items again, when some were uncleared
            numbers = [str(ONCE.index(BY_CODE[code]) + 1) for code in self.uncleared]
            return " ".join(numbers) or "0"
        if "Is that right" in question:
            return "y"
        if "told you that exercise is fine" in question:
            return yn("cleared")
        if "Pain now, from 0" in question:
            return str(said["pain"])
        if "so severe that painkillers" in question:
            return yn("severe")
        if "flare-up session" in question:
            return yn("flare_up")
        return ""  # Anything new? no; leg symptoms: no; next morning, Ready, after: skip


ONCE = tuple(flag for flag in BY_CODE.values() if flag.tier is Tier.CLINICIAN)


class NoSpreadKeys(ScriptedKeys):
    """Keys as scripted; a question on the live screen gets "2": symptoms, 2 new numbness
    or weakness; spread, 2 no."""

    def read(self, timeout: float | None) -> Key | None:
        if timeout is None:
            return Key("2", self.clock.now())
        return super().read(timeout)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    flags=flag_rows,
    clinician=clinician_rows,
    answers=st.fixed_dictionaries(
        {
            "assessed": st.booleans(),
            "still_applies": st.booleans(),
            "cleared": st.booleans(),
            "pain": st.integers(0, 10),
            "severe": st.booleans(),
            "flare_up": st.booleans(),
        }
    ),
    snack=st.booleans(),
    flare_up_asked=st.booleans(),  # --flare-up
    during=st.booleans(),  # s pressed mid-session, then 2: new numbness or weakness
)
def test_a_session_obeys_the_gate_whatever_the_answers(
    flags: list[tuple[str, timedelta, bool]],
    clinician: tuple[tuple[str, ...], bool, timedelta] | None,
    answers: dict[str, object],
    snack: bool,
    flare_up_asked: bool,
    during: bool,
) -> None:
    """The rules written out plainly (CLINICAL.md), checked against what a session does."""
    import io

    from rich.console import Console

    from backcoach.catalogue.library import open_library
    from backcoach.catalogue.loader import bundled_path
    from backcoach.coach.before import Asked, Keeping
    from backcoach.coach.session import Options, Terminal, coach
    from backcoach.errors import NoExerciseToday
    from backcoach.plan.prepare import Choices

    now = datetime.now(UTC).replace(microsecond=0)
    today = now.astimezone().date()
    still_open = [(code, age) for code, age, closed in flags if not closed]
    stopped_by_flag = any(
        (not answers["assessed"])
        if code in EMERGENCY
        else ((now - age).astimezone().date() == today or bool(answers["still_applies"]))
        for code, age in still_open
    )
    uncleared = clinician[0] if clinician is not None and not clinician[1] else ()
    stopped_by_item = bool(uncleared) and not answers["cleared"]
    flare_up_asked = flare_up_asked and not snack  # snack has no --flare-up
    pain = 0 if snack else int(str(answers["pain"]))  # a desk break asks no pain
    severe = pain >= 9 and bool(answers["severe"])
    stops = stopped_by_flag or stopped_by_item or severe
    declined = not stops and pain >= 9 and not flare_up_asked and not answers["flare_up"]
    offered = pain >= 7 and not flare_up_asked
    flare_up = flare_up_asked or (offered and bool(answers["flare_up"]))

    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        write_record(home, flags, clinician, False, now)
        person = Person(answers, tuple(uncleared))
        clock = FakeClock()
        defaults = {"minutes": 2, "focus": ["upper"], "level": "beginner", "equipment": [],
                    "sound": "off"}  # fmt: skip
        out = Console(file=io.StringIO(), width=100, color_system=None)
        with open_history(home / "history.sqlite3") as history:
            before = len(history.sessions())
            try:
                choices = Choices(seed=4, flare_up=flare_up_asked, snack=snack)
                keys = NoSpreadKeys(clock, [(40.0, "s")] if during else [])
                outcome = coach(
                    Asked(open_library(bundled_path()), choices, defaults),
                    Options(sound="off", plain=True), Terminal(out, clock, keys),
                    Keeping(history), person.ask, moment=now,
                )  # fmt: skip
            except NoExerciseToday:
                outcome, exit_3 = None, True
            else:
                exit_3 = False
            sessions = history.sessions()
            held_after = [flag.code for flag in gate_record(history).open_flags]
    if stops:  # a stop row at most; nothing ran
        assert exit_3, person.asked
        assert all(s.outcome == "red flag" for s in sessions[: len(sessions) - before])
        return
    if declined:
        assert outcome is None and not exit_3 and len(sessions) == before
        return
    assert sessions[0].flare_up == flare_up and sessions[0].snack == snack
    if pain >= 9:
        assert sessions[0].flare_up  # only the flare-up session at 9 or 10
    event("ran" + (", s then 2 mid-session" if during else ""))
    if during:  # recorded like a screen answer; nothing after the advice
        assert exit_3 and sessions[0].red_flags == ("new-weakness",)
        assert "new-weakness" in held_after
        text = out.file.getvalue()  # type: ignore[attr-defined]
        after = text[text.index("Stop here") :]
        assert not any(words in after for words in ("in a row", "Tip:", "Next time"))
    else:
        assert not exit_3 and outcome is not None


def test_a_no_to_the_next_morning_question_is_one_step_back_at_most() -> None:
    """Too hard, pain up by 3, and not settled by the next morning: still one step."""
    from backcoach.plan.progression import next_doses, step_back

    from .test_progression import cat, session

    exercise = cat().by_id()["cat-cow"]
    everything = session(1, "cat-cow", "done", pain=(3, 6), effort="too hard", next_morning=False)
    dose = next_doses([everything], cat().exercises, NOW).doses["cat-cow"]
    assert dose == step_back(exercise, exercise.dose)


def test_safety_shows_what_backcoach_holds(run: RunCli, isolated_home: Path) -> None:
    empty = run("safety", "--json")
    assert empty.exit_code == 0 and json.loads(empty.stdout)["open_flags"] == []
    with open_history(isolated_home / "history.sqlite3") as history:
        raise_flags(history, [BY_CODE["fever"]], "screen", datetime.now(UTC))
        history.record_safety_check("clinician", ["weeks"], cleared=False)
    held = json.loads(run("safety", "--json").stdout)
    assert [(f["code"], f["tier"]) for f in held["open_flags"]] == [("fever", "urgent")]
    assert "on a later day" in held["open_flags"][0]["closes"]
    assert held["clinician"]["items"] == ["weeks"] and held["clinician"]["cleared"] is False
    assert held["verdict"]["allowed"] == "none" and held["asks"][0] == "open flags"
    shown = run("safety")
    assert "a temperature of 38" in shown.stdout and "no clearance yet" in shown.stdout
    assert "Now: no exercise" in shown.stdout


def test_closing_the_open_flags_leaves_an_uncleared_item_to_its_own_question() -> None:
    """Found by the property test: an urgent flag closed the next day, with an uncleared
    clinician item, stopped the session before the clinician tier was asked."""
    memory = Memory(clinician_checked=YESTERDAY, clinician_flags=("weeks",))
    record = Record((OpenFlag("fever", Tier.URGENT, YESTERDAY),), memory)
    closed = decide(record, Moment(NOW), Answers(flags_asked=True))
    assert not closed.stops and closed.asks[:2] == (Question.SCREEN, Question.CLINICIAN)
    cleared = Answers(flags_asked=True, screened=True, clinician=(BY_CODE["weeks"],), cleared=True)
    assert decide(record, Moment(NOW), cleared).allowed is Allowed.SESSION


# --- Issue 23: conditions that change the plan, one by one, decided by the gate.


def test_each_condition_is_its_own_answer_and_leaves_out_what_clinical_md_says(
    isolated_home: Path,
) -> None:
    from backcoach.catalogue.library import open_library
    from backcoach.catalogue.loader import bundled_path
    from backcoach.history.flags import CONDITION_PREFIX
    from backcoach.history.routines import record_episode_answer
    from backcoach.plan.prepare import Choices, prepare

    defaults = {"minutes": 20, "focus": ["lower"], "level": "beginner", "equipment": [],
                "sound": "off"}  # fmt: skip
    library = open_library(bundled_path())

    def plan_for(record: Record, flare_up: bool = False) -> tuple[dict[str, str], list[str]]:
        verdict = decide(record, Moment(NOW))
        with open_history() as history:
            prepared = prepare(
                library, Choices(seed=1, flare_up=flare_up), history, defaults, NOW,
                exclusions=verdict.exclusions,
            )  # fmt: skip
        plan = prepared.plan()
        notes.clear()
        notes.extend(plan.notes)
        return dict(prepared.request.excluded), [step.exercise for step in plan.steps]

    notes: list[str] = []

    with open_history() as history:  # never asked: due, and nothing assumed
        assert gate_record(history).conditions is None
        for code, answer in (("stenosis", "yes"), ("osteoporosis", "no"), ("pregnancy", "no"),
                             ("hypermobility", "no")):  # fmt: skip
            record_episode_answer(history, CONDITION_PREFIX + code, answer)
        assert gate_record(history).conditions == ("stenosis",)
    assert Question.CONDITIONS not in decide(Record(conditions=()), Moment(NOW)).asks
    excluded, steps = plan_for(Record(conditions=("stenosis",)))
    assert "you have spinal stenosis or spondylolisthesis" in excluded["prone-press-up"]
    assert not {"prone-press-up", "standing-back-extension", "prone-on-elbows"} & set(steps)
    excluded, _ = plan_for(Record(conditions=("osteoporosis",)))
    assert "childs-pose" in excluded  # end range (and loaded bending: below)
    from backcoach.clinical import rule_applies
    from backcoach.gate import condition_rules

    deadlift = library.get_many(["deadlift"])[0]
    assert any(rule_applies(rule, deadlift) for rule, _ in condition_rules(("osteoporosis",)))
    excluded, _ = plan_for(Record(conditions=("hypermobility",)))
    assert excluded["childs-pose"] == (
        "because you told backcoach you have hypermobility: no stretch held at the end of the range"
    )
    assert any("middle of the range" in note for note in notes)  # the why: its own line
    excluded, steps = plan_for(Record(conditions=("pregnancy", "pregnancy-16")), flare_up=True)
    assert "knee-plank" in excluded and "glute-bridge" in excluded  # face down, on the back
    # The flare-up day is done on the side, shorter when fewer remain.
    by_id = {e.id: e for e in library.get_many(steps)}
    assert steps and all(by_id[i].position.value == "side-lying" for i in steps)
    # Leg symptoms: no long straight-leg hold (legs up the wall).
    verdict = decide(Record(leg_symptoms=True, conditions=()), Moment(NOW))
    legs_up, knee = library.get_many(["legs-up-the-wall", "single-knee-to-chest"])
    rules = [(rule, why) for rule, why in verdict.exclusions if "leg symptoms" in why]
    assert rules and all(rule_applies(rule, legs_up) for rule, _ in rules)
    assert not any(rule_applies(rule, knee) for rule, _ in rules)


def test_recent_spinal_surgery_is_a_clinician_item_that_stops_until_cleared() -> None:
    surgery = BY_CODE["surgery"]
    assert surgery.tier is Tier.CLINICIAN and "12 months" in surgery.text
    assert "diagnosis" not in BY_CODE  # the lumped item is gone
    held = decide(Record(memory=Memory(clinician_checked=NOW, clinician_flags=("surgery",))),
                  Moment(NOW))  # fmt: skip
    assert held.stops
    cleared = Memory(clinician_checked=NOW, clinician_flags=("surgery",), cleared=True)
    assert not decide(Record(memory=cleared, conditions=()), Moment(NOW)).stops


def test_a_second_spread_holds_extension_work_until_a_clinicians_ok_then_a_step_lower(
    isolated_home: Path,
) -> None:
    # The finding: standing back extension came back on day 15 at its old dose, with no
    # question about a physiotherapist.
    from datetime import date

    from backcoach.catalogue.loader import bundled_path, load
    from backcoach.history.flags import EXTENSION_OK
    from backcoach.history.routines import record_episode_answer
    from backcoach.models import SessionRecord
    from backcoach.plan.progression import next_doses

    from .builders import add_session

    with open_history() as history:
        for day in (date(2026, 11, 1), date(2026, 11, 8)):
            sid = add_session(history, day, skipped="standing-back-extension", status="stopped")
            history.record_symptoms_spread(sid)
        record = gate_record(history)
    assert record.extension_hold is not None
    day_15 = Moment(datetime(2026, 11, 23, 9, tzinfo=UTC))
    verdict = decide(record, day_15)
    assert Question.EXTENSION_OK in verdict.asks
    assert any(rule == "extension" and "physiotherapist" in why for rule, why in verdict.exclusions)
    asked_no = decide(record, day_15, Answers(screened=True, extension_ok=False, pain=3))
    assert any(rule == "extension" for rule, _ in asked_no.exclusions)
    said_yes = Answers(screened=True, extension_ok=True, pain=3)
    assert not any(rule == "extension" for rule, _ in decide(record, day_15, said_yes).exclusions)
    assert extension_ok_at(record, day_15, said_yes) == day_15.now
    with open_history() as history:  # the OK is recorded like a clearance
        record_episode_answer(history, EXTENSION_OK, "yes")
        later = gate_record(history)
    assert later.extension_hold is None and later.extension_ok_at is not None
    # It returns a step lower, once.
    exercise = {e.id: e for e in load(bundled_path()).exercises}["standing-back-extension"]
    before = SessionRecord.model_validate({
        "id": 1, "started_at": datetime(2026, 11, 20, 9, tzinfo=UTC), "ended_at": None,
        "focus": "lower back", "minutes": 10, "level": "beginner", "seed": 1, "flare_up": False,
        "planned_seconds": 600, "active_seconds": 600, "pain_before": 3, "pain_after": 3,
        "effort": "about right", "completed": True, "outcome": "done", "red_flags": (),
        "red_flag_tier": None, "symptoms_spread": False, "next_morning": True,
        "exercises": [{"order": 0, "id": exercise.id, "name": exercise.name, "phase": "main",
                       "status": "done", "dose": exercise.dose.model_dump(),
                       "work_seconds": 10, "planned_work_seconds": 10}],
    })  # fmt: skip
    result = next_doses([before], [exercise], day_15.now, day_15.now - timedelta(hours=1))
    assert "with a clinician's OK" in result.changed[exercise.id]
    done_since = before.model_copy(update={"started_at": day_15.now})
    again = next_doses([done_since], [exercise], day_15.now + timedelta(days=1), day_15.now)
    assert exercise.id not in again.changed


def test_four_weeks_without_improvement_asks_the_clinician_items_again(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # CLINICAL.md, "Pacing the first weeks": four to six weeks with no improvement: the
    # clinician item "no improvement after about 4-6 weeks" is asked (through the gate).
    from datetime import date

    from backcoach.history import store

    from .builders import add_session

    start = date(2026, 11, 1)
    with open_history() as history:
        for day in range(0, 30, 3):
            add_session(history, start + timedelta(days=day), pain=(6, 6))
        history.record_safety_check(
            "clinician", (), at=datetime(2026, 11, 1, 8, tzinfo=UTC)
        )  # answered "none" at the start
        monkeypatch.setattr(store, "now", lambda: datetime(2026, 11, 20, 8, tzinfo=UTC))
        assert not gate_record(history).weeks_due  # 19 days: the GP line only
        at = datetime(2026, 12, 1, 8, tzinfo=UTC)
        monkeypatch.setattr(store, "now", lambda: at)
        record = gate_record(history)
        assert record.weeks_due
        assert Question.CLINICIAN in decide(record, Moment(at)).asks
        history.record_safety_check("clinician", (), at=at)  # asked and answered: not again
        assert not gate_record(history).weeks_due


def test_plan_json_lists_no_exercise_when_the_gate_says_none(
    run: RunCli, isolated_home: Path
) -> None:
    """A script reading `plan --json` after a red-flag answer finds the verdict, the reason
    and no steps to do, not a session's exercises beside a "none" verdict."""
    now = datetime.now(UTC).replace(microsecond=0)
    write_record(isolated_home, [("saddle", timedelta(hours=1), False)], None, False, now)
    for extra in ([], ["--snack"]):
        planned = run("plan", "--json", *extra)
        assert planned.exit_code == 3
        data = json.loads(planned.stdout)
        assert data["verdict"]["allowed"] == "none" and data["exercise_today"] is False
        assert data["steps"] == [] and data["total_seconds"] == 0 and data["notes"] == []
        assert "emergency" in data["reason"] and "numbness" in data["reason"]


def test_plan_json_says_exercise_today_when_allowed(run: RunCli, isolated_home: Path) -> None:
    data = json.loads(run("plan", "--json", "--seed", "1").stdout)
    assert data["exercise_today"] is True and data["reason"] is None and data["steps"]
