"""`report` put together: the history's overview and stats, the catalogue's figures and
credits, rendered in the format asked for (report.py writes each format)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from backcoach.errors import BackcoachError
from backcoach.vocabulary import printable

if TYPE_CHECKING:
    from backcoach.catalogue.library import Library
    from backcoach.history.facts import Overview
    from backcoach.vocabulary import Position


def clinician_report(
    asked: str | None, output: Path | None, library: Callable[[], Library], today: date
) -> tuple[str, str]:
    """The report's format (from `asked`, else the output's extension) and its text.

    `library` opens the catalogue in use; the report is the history's, so a catalogue
    that cannot be read only leaves out the figures and the credits.
    """
    from backcoach.history import stats
    from backcoach.history.overview import read_overview
    from backcoach.render import report

    chosen = report.format_for(asked, output)
    overview = read_overview()
    summary = stats.compute(overview, today)
    positions, credits = catalogue_facts(library, overview)
    more = programme_section(chosen, today) + safety_record_section(chosen)
    ended = ended_words()
    if chosen == "html":
        text = report.html(overview, summary, today, positions, credits, ended)
        text = text.replace("</body>", more + "</body>", 1)
    else:
        text = report.markdown(overview, summary, today, credits, ended) + more
    return chosen, text.rstrip("\n") + "\n"  # a text file ends with one newline


# How a session that did not run to its end ended (the outcome the history keeps).
ENDED = {
    "quit": "stopped before the end with q",
    "interrupted": "stopped before the end (Ctrl-C, or the terminal closed)",
    "stopped": "stopped for symptoms (the s key)",
    "in progress": "not finished: backcoach ended before the session did",
    # Ran to its end, not in full: an exercise was stopped for sharp pain (the x key).
    "done": "ran to its end, but not in full (an exercise stopped for sharp pain)",
}


def ended_words() -> list[str]:
    """Each session that did not run to its end, in words: when, and what happened."""
    from backcoach.history.flags import ended_early
    from backcoach.history.store import existing_history

    found = existing_history()
    if found is None:
        return []
    with found:
        ended = ended_early(found)
    lines = []
    for started, outcome, codes in ended:
        said = "; ".join(_flag_words(code) for code in codes)
        what = f"stopped: {said}" if said else ENDED.get(outcome, "stopped before the end")
        lines.append(f"{started.astimezone().date().isoformat()}: the session {what}")
    return lines


def _flag_words(code: str) -> str:
    """A flag as the person was shown it, with its tier in words (never its id)."""
    from backcoach.gate import EVERY_FLAG

    flag = EVERY_FLAG.get(code)
    if flag is None:
        return "a red flag backcoach no longer knows"
    advice = "emergency advice given" if flag.tier.value == "emergency" else "advice given"
    return f"{flag.text} ({advice})"


def programme_section(chosen: str, today: date) -> str:
    """The programme's sections (issue 25): goals, weeks planned and done, lessons read,
    pain and leg pain over the programme."""
    from backcoach.catalogue.lessons import lessons
    from backcoach.history.programme import existing_programme
    from backcoach.render.programme import report_html, report_markdown

    try:
        titles = {one.number: one.title for one in lessons()}
    except BackcoachError:
        titles = {}
    found = existing_programme()
    render = report_html if chosen == "html" else report_markdown
    return render(found, today, titles)


TIER_WORDS = {
    "emergency": "an emergency item (get help now)",
    "urgent": "an urgent item (contact a doctor today)",
    "clinician": "a see-a-clinician item",
}
CONDITION_NAMES = {  # for a clinician: the condition, not "you have …"
    "stenosis": "spinal stenosis or spondylolisthesis",
    "osteoporosis": "osteoporosis",
    "pregnancy": "pregnant",
    "pregnancy-16": "past about 16 weeks of pregnancy",
    "hypermobility": "joint hypermobility",
}
CLOSED_WORDS = {"assessed": "a clinician had assessed it", "gone": "it no longer applied"}


def _flag_text(code: str) -> str:
    from backcoach.gate import EVERY_FLAG

    flag = EVERY_FLAG.get(code)
    return flag.text if flag is not None else "a red flag backcoach no longer knows"


def safety_record_section(chosen: str) -> str:
    """For the clinician: the red flags backcoach holds and how each was closed, the
    conditions the person named, and a clinician's OK for back-bending work."""
    from backcoach.clinical import CONDITIONS
    from backcoach.history.flags import closed_flags, gate_record
    from backcoach.history.store import existing_history
    from backcoach.render.report import h, md

    found = existing_history()
    if found is None:
        return ""
    from backcoach.history.flags import CONDITION_PREFIX, LEG_SYMPTOMS, WEEKS_NOT_SO
    from backcoach.history.routines import episode_answer

    with found:
        record, closed = gate_record(found), closed_flags(found)
        weeks_not_so = episode_answer(found, WEEKS_NOT_SO)
        # When each was answered (CLINICAL.md: conditions are "recorded with their date").
        questions = {c.code: CONDITION_PREFIX + c.code for c in CONDITIONS}
        questions[LEG_SYMPTOMS] = LEG_SYMPTOMS
        answered = {
            code: answer[0]
            for code, question in questions.items()
            if (answer := episode_answer(found, question)) is not None
        }

    lines = [
        f"{_flag_text(f.code)}, {TIER_WORDS.get(f.tier.value, f.tier.value)}: reported "
        f"{f.raised_at.astimezone():%d %b %Y %H:%M}; still open"
        for f in record.open_flags
    ]
    lines += [
        f"{_flag_text(f.code)}, {TIER_WORDS.get(f.tier, f.tier)}: reported "
        f"{f.raised_at.astimezone():%d %b %Y}, closed {f.closed_at.astimezone():%d %b %Y} "
        f"({CLOSED_WORDS.get(f.how, 'closed')})"
        for f in closed
    ]
    told = {c.code: f"{CONDITION_NAMES.get(c.code, c.code)}: {c.leaves_out}" for c in CONDITIONS}

    def on(*codes: str) -> str:  # " (answered 23 Nov 2026)": the latest of these answers
        dates = [answered[code] for code in codes if code in answered]
        return f" (answered {max(dates).astimezone():%d %b %Y})" if dates else ""

    none = "none of them" + on(*[c.code for c in CONDITIONS])
    conditions = (
        ["not asked yet this episode"]
        if record.conditions is None
        else [f"yes, {told[code]}{on(code)}" for code in record.conditions if code in told]
        or [none]
    )
    if record.leg_symptoms:  # CLINICAL.md lists them among the conditions too
        conditions = [c for c in conditions if c != none] + [
            "yes, leg symptoms (pain, tingling or numbness down a leg): no long "
            "straight-leg holds, and the spread question after nerve-stretching exercises"
            + on(LEG_SYMPTOMS)
        ]
    ok = record.extension_ok_at
    rows = [
        ("Red flags (open and closed)", lines or ["none reported"]),
        ("Conditions that change the plan (asked once per episode)", conditions),
        ("Back-bending exercises (paused when leg symptoms spread twice in 14 days)", [
            f"paused, then back after a clinician's OK recorded on {ok.astimezone():%d %b %Y}"
            if ok is not None
            else "paused: waiting for a clinician's OK"
            if record.extension_hold is not None
            else "never paused: leg symptoms have not spread twice within 14 days"
        ]),
    ]  # fmt: skip
    if weeks_not_so is not None:
        rows.append(("Not improved after about 4 to 6 weeks", [
            f"asked on {weeks_not_so[0].astimezone():%d %b %Y} because backcoach's pain "
            "figures showed no improvement; the person said it does not apply, and was "
            "advised to see a GP or physiotherapist"
        ]))  # fmt: skip
    if chosen == "html":
        return "".join(
            f"<h2>{h(title)}</h2><ul>{''.join(f'<li>{h(line)}</li>' for line in items)}</ul>\n"
            for title, items in rows
        )
    return "".join(
        f"\n## {title}\n\n" + "".join(f"- {md(line)}\n" for line in items) for title, items in rows
    )


def catalogue_facts(
    library: Callable[[], Library], overview: Overview
) -> tuple[dict[str, tuple[Position, str | None]], list[str]]:
    """Each reported exercise's starting position and its drawing's variant (for its
    figure: child's pose is not drawn as plain kneeling), and the credit of each
    dataset an exercise was imported from; none if the catalogue cannot be read."""
    try:
        opened = library()
        found = [opened.get(row.id) for row in overview.exercises]
    except BackcoachError:
        return {}, []
    exercises = [exercise for exercise in found if exercise is not None]
    credits = sorted(
        {
            f"{e.origin.dataset} ({e.origin.licence})"
            + (f", {e.origin.url}" if e.origin.url else "")
            for e in exercises
            if e.origin is not None
        }
    )
    figures: dict[str, tuple[Position, str | None]] = {
        exercise.id: (exercise.position, exercise.figure) for exercise in exercises
    }
    return figures, credits


def write_report(output: Path, text: str, *, force: bool) -> None:
    """The report written to `output` (report.write), after the checks that must come
    first: its folder exists (none is made), it is not the person's catalogue or any other
    file of backcoach's own, and what is there is a regular file (a FIFO, a device or a
    socket is never opened, so never waited on, and never replaced)."""
    import errno
    import os
    import stat

    from backcoach.catalogue.loader import bundled_path, personal_path
    from backcoach.errors import UsageError
    from backcoach.render import report

    shown = printable(str(output))
    try:
        parent = os.stat(output.parent if str(output.parent) else Path("."))
        if not stat.S_ISDIR(parent.st_mode):
            raise UsageError(f"{shown}: {printable(str(output.parent))} is not a folder")
        there = os.stat(output)
    except FileNotFoundError:
        if not output.parent.is_dir():
            raise UsageError(
                f"{shown}: the folder {printable(str(output.parent))} does not exist; "
                "the report was not written",
                hint="make the folder first, or give a file in an existing one",
            ) from None
        there = None
    except OSError as exc:
        if exc.errno == errno.ENAMETOOLONG:
            raise UsageError(
                f"{shown[:80]}…: the file name is too long for this file system",
                hint="give a shorter name, such as summary.md",
            ) from None
        raise UsageError(f"{shown}: cannot be used ({exc.strerror})") from None
    if there is not None and not stat.S_ISREG(there.st_mode):
        kind = "a folder" if stat.S_ISDIR(there.st_mode) else "not a regular file"
        raise UsageError(
            f"{shown} is {kind}; the report is written only to a regular file",
            hint="give a file name, such as summary.md",
        )
    resolved = output.resolve()
    personal = personal_path().resolve()
    ours = [bundled_path().resolve(), personal, personal.parent / f".{personal.name}.lock"]
    copies = (f".{personal.name}.edit-", f".{personal.name}.kept-")  # edit's copies
    if resolved in ours or (
        resolved.parent == personal.parent and resolved.name.startswith(copies)
    ):
        raise UsageError(
            f"{shown} is one of backcoach's own files (an exercise catalogue); "
            "the report was not written",
            hint="give the report another name, such as summary.md",
        )
    try:
        report.write(output, text, force=force)
    except OSError as exc:
        if exc.errno == errno.ENAMETOOLONG:
            raise UsageError(
                f"{shown[:80]}…: the file name is too long for this file system",
                hint="give a shorter name, such as summary.md",
            ) from None
        raise
