"""One coached session, in the order a person goes through it (DESIGN.md, "A session").

the safety gate asked (gate.py) → flags still open → the red-flag screen → the
once-per-episode questions → the next-morning question → pain now (and leg pain),
pain 9-10's question, the flare-up offer → the plan, built ONCE from the answers,
and shown → Ready? → the session live (LiveSession: engine → view, cues, the
history) → pain after, effort → saved → summary.

The same order on every way in (`start`, `start --yes`, `start --flare-up`, `snack`):
each step asks the gate again with the answers so far and obeys it. A stop shows
the advice and exits 3; nothing else follows it.
"""

from __future__ import annotations

import sys
from datetime import datetime

from backcoach import clinical, gate
from backcoach.coach.before import Asked, Keeping, Questions
from backcoach.coach.live import LiveSession as LiveSession
from backcoach.coach.live import Options as Options
from backcoach.coach.live import Terminal as Terminal
from backcoach.coach.prompts import Ask, console_asker
from backcoach.errors import UsageError
from backcoach.gate import Allowed, Moment, Verdict, Way
from backcoach.plan.prepare import prepare
from backcoach.render.catalogue import plan_view
from backcoach.timer.engine import Outcome
from backcoach.timer.keys import NoKeys

NO_KEYBOARD = (
    "No keyboard: standard input is not a terminal, so symptoms cannot be reported with "
    "the s key during this session. If leg symptoms spread, or you notice numbness or "
    "weakness, stop (Ctrl-C) and see the advice in: backcoach safety."
)
YES_REFUSED_HINT = (
    "run it without --yes and answer the questions (backcoach safety shows what backcoach "
    "holds, and lets you update it)"
)


def check_can_ask(options: Options) -> None:
    try:
        interactive = sys.stdin.isatty()
    except (AttributeError, ValueError):
        interactive = False
    if not options.yes and not interactive:
        raise UsageError(
            "a session asks questions before and after it, but standard input is not a terminal",
            hint="run it in a terminal, or add --yes to confirm the safety list and skip "
            "every question",
        )


def refuse_yes(verdict: Verdict) -> None:
    """--yes never overrides what the record holds (exit 2, saying what to do)."""
    if verdict.refuse_yes is not None:
        raise UsageError(f"--yes cannot be used now: {verdict.refuse_yes}", hint=YES_REFUSED_HINT)


def coach(
    asked: Asked,
    options: Options,
    terminal: Terminal,
    keeping: Keeping,
    ask: Ask | None = None,
    moment: datetime | None = None,
) -> Outcome | None:
    """Run the whole session flow. Returns None when the person declined what the gate
    offered; raises NoExerciseToday (exit 3) when the gate allows no exercise.

    With no `history` (it cannot be written: `why_unsaved`), the session still runs
    and its record is shown at the end.
    """
    from backcoach.history.flags import gate_record, readable_record
    from backcoach.history.store import now
    from backcoach.plan.prepare import request_for

    library, choices, defaults = asked
    out, clock, keys = terminal
    history, why_unsaved = keeping
    request_for(choices, dict(defaults))  # the options checked before any question
    ask = None if options.yes else (ask or console_asker(out))
    at = moment or now()
    # The whole record, read even when the history cannot be written now.
    record = gate_record(history) if history is not None else readable_record()
    way = Way.SNACK if choices.snack else Way.START
    has_keys = not isinstance(keys, NoKeys)
    came_in = Moment(at, way, yes=options.yes, keys=has_keys, flare_up=choices.flare_up)
    verdict = gate.decide(record, came_in)
    refuse_yes(verdict)
    questions = Questions(record, came_in, out, ask, asked, keeping)
    answers = questions.run(verdict)
    if answers is None:
        return None  # declined what was offered
    verdict = gate.decide(record, came_in, answers)
    assert verdict.allowed is not Allowed.NONE
    prepared = prepare(
        library,
        choices._replace(flare_up=verdict.flare_up),
        history,
        defaults,
        at,
        unsettled=verdict.step_back,
        exclusions=verdict.exclusions,
        extension_ok_at=gate.extension_ok_at(record, came_in, answers),
    )
    plan = prepared.plan()  # built once, from the answers
    out.print(plan_view(plan))
    out.print()
    if not has_keys:
        out.print(NO_KEYBOARD, style="yellow", markup=False, highlight=False)
    from backcoach.render.safety import advice
    from backcoach.vocabulary import Kind, Region

    upper_only = plan.snack or set(plan.regions) == {Region.UPPER}
    out.print(advice(clinical.advice_before(upper_only, Kind.STRETCH in plan.kinds)))
    if ask is not None:
        ask("Ready? Press Enter to begin (Ctrl-C to stop)")

    from backcoach.plan.prepare import keep_routine

    unsaved = keep_routine(prepared, plan, history)  # the routine as this session uses it
    if unsaved is not None:
        out.print(f"({unsaved}.)", style="yellow", markup=False, highlight=False)
    live = LiveSession(
        plan,
        prepared.candidates,
        options,
        terminal,
        keeping,
        ask,
        leg_symptoms=answers.leg_symptoms is not False,  # not known: asked as if so
    )
    return live.run(questions.pain, questions.leg_pain)
