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
    if chosen == "html":
        text = report.html(overview, summary, today, positions, credits)
        return chosen, text.replace("</body>", more + "</body>", 1)
    return chosen, report.markdown(overview, summary, today, credits) + more


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


def safety_record_section(chosen: str) -> str:
    """For the clinician: the red flags backcoach holds and how each was closed, the
    conditions the person named, and a clinician's OK for back-bending work."""
    from backcoach.clinical import BY_CODE, CONDITIONS
    from backcoach.history.flags import closed_flags, gate_record
    from backcoach.history.store import existing_history
    from backcoach.render.report import h, md

    found = existing_history()
    if found is None:
        return ""
    with found:
        record, closed = gate_record(found), closed_flags(found)

    def item(code: str) -> str:
        return BY_CODE[code].text if code in BY_CODE else code

    lines = [
        f"{item(f.code)} ({f.tier.value}): reported {f.raised_at.astimezone():%d %b %Y %H:%M}"
        + (" during a session" if f.during_session else "")
        + "; still open"
        for f in record.open_flags
    ]
    lines += [
        f"{item(f.code)} ({f.tier}): reported {f.raised_at.astimezone():%d %b %Y}, "
        f"closed {f.closed_at.astimezone():%d %b %Y} ({f.how})"
        for f in closed
    ]
    asked = {c.code: c.question for c in CONDITIONS}
    conditions = (
        ["not asked yet this episode"]
        if record.conditions is None
        else [f"yes to: {asked.get(code, code)}" for code in record.conditions] or ["none of them"]
    )
    ok = record.extension_ok_at
    rows = [
        ("Red flags (open and closed)", lines or ["none reported"]),
        ("Conditions that change the plan (asked once per episode)", conditions),
        (
            "Back-bending after two spreads",
            [
                f"a clinician's OK recorded on {ok.astimezone():%d %b %Y}"
                if ok is not None
                else "waiting for a clinician's OK"
                if record.extension_hold is not None
                else "no hold"
            ],
        ),
    ]
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
) -> tuple[dict[str, Position], list[str]]:
    """Each reported exercise's starting position (for its figure), and the credit of each
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
    return {exercise.id: exercise.position for exercise in exercises}, credits


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
