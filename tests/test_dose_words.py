"""Dose changes said in words (issue 24): the plan, the end screen and `routine` never
write a change as a formula ("up from 3 × 20 s", "6 reps → 7 reps")."""

from __future__ import annotations

from datetime import date

from rich.console import Console

from backcoach.models import HoldDose, RepsDose
from backcoach.plan.outlook import Change, Outlook
from backcoach.render.history import end_screen
from backcoach.render.words import change_words, reason_words

REPS = RepsDose(type="reps", reps=6, tempo={"lift": 2, "lower": 2}, sets=2)
HOLDS = HoldDose(type="hold", seconds=20, reps=3, per_side=True)


def test_a_change_is_said_in_words() -> None:
    more = REPS.model_copy(update={"reps": 7})
    assert change_words(REPS, more) == "one more rep than last time"
    longer = HOLDS.model_copy(update={"seconds": 22})
    assert change_words(HOLDS, longer) == "2 s longer holds than last time"
    fewer = REPS.model_copy(update={"sets": 1})
    assert change_words(REPS, fewer) == "one set fewer than last time"
    easier = HOLDS.model_copy(update={"reps": 2})
    assert change_words(HOLDS, easier, "it caused sharp pain on 2026-11-23", easier=True) == (
        "a step easier than last time (one hold fewer), because it caused sharp pain on 2026-11-23"
    )


def test_a_plan_reason_says_the_change_and_no_formula() -> None:
    up = "strengthens; 3 × 22 s: up from 3 × 20 s: two sessions done in full"
    assert (
        reason_words(up)
        == "strengthens; 2 s longer holds than last time: two sessions done in full"
    )
    back = "a warm-up; 5-3-1: down from 6-4-2: back after 20 days away"
    assert reason_words(back) == (
        "a warm-up; a step easier than last time (one hold fewer in each set), because you "
        "are back after 20 days away"
    )
    # A flare-up day shows its cut dose; "3 × 12 s: as last time" named a second dose.
    flare = "stretches; 3 × 12 s: as last time; flare-up dose: shorter and fewer"
    assert reason_words(flare) == "stretches; a flare-up dose: shorter and fewer than your usual"
    assert reason_words("stretches; 21 reps: as last time") == (
        "stretches; the same dose as last time"
    )
    for said in (reason_words(up), reason_words(back), reason_words(flare)):
        assert "×" not in said and "→" not in said and "from" not in said


def _shown(outlook: Outlook, width: int = 200) -> str:
    console = Console(width=width, color_system=None, _environ={})
    with console.capture() as captured:
        console.print(end_screen(outlook, 3, 2))
    return captured.get()


def test_next_time_says_when_each_change_applies_and_the_whole_dose() -> None:
    # A step back after a sharp-pain stop applies at the very next session; a step up
    # 48 hours on. The line showed "Next time (from Thu …)" for both and dropped "2 sets of".
    back = Change("Bridge", REPS, REPS.model_copy(update={"reps": 5}), "it caused sharp pain", True)
    up = Change(
        "Side plank", HOLDS, HOLDS.model_copy(update={"seconds": 22}), "two sessions", False
    )
    shown = _shown(Outlook(2, 10, (back, up), date(2026, 11, 25), progresses=True))
    assert "Pain 3 → 2: easing, well done." in shown
    assert "Next time:" in shown and "(from" not in shown
    assert (
        "Bridge: 2 sets of 5 reps, next time; a step easier than last time (one rep fewer), "
        "because it caused sharp pain." in shown
    )
    assert (
        "Side plank: 3 holds of 22 s, each side, from Wed 25 Nov; 2 s longer holds than last "
        "time: two sessions." in shown
    )


def test_next_time_bullets_keep_their_indent_when_they_wrap() -> None:
    back = Change("Bridge", REPS, REPS.model_copy(update={"reps": 5}), "it caused sharp pain", True)
    shown = _shown(Outlook(2, 10, (back,), date(2026, 11, 25), progresses=True), width=40)
    lines = shown.splitlines()
    first = next(i for i, line in enumerate(lines) if "•" in line)
    following = lines[first + 1 : first + 3]
    assert following and all(line.startswith("    ") and line.strip() for line in following)
    assert all(line == line.rstrip() for line in lines[first:])  # nothing to copy by mistake


def test_routine_tells_each_dose_change_in_words() -> None:
    from datetime import UTC, datetime

    from backcoach.history.routines import DoseChange
    from backcoach.render.routine import dose_line

    story = [
        DoseChange(datetime(2026, 11, 20, 9, tzinfo=UTC), HOLDS, None),
        DoseChange(
            datetime(2026, 11, 23, 9, tzinfo=UTC),
            HOLDS.model_copy(update={"seconds": 22}),
            "3 × 22 s: up from 3 × 20 s: two sessions done in full",
        ),
    ]
    line = dose_line(story)
    assert "23 Nov 2026, 2 s longer holds: two sessions done in full" in line
    assert "×" not in line and "→" not in line
    assert dose_line(story[:1]) == "unchanged since 20 Nov 2026"
