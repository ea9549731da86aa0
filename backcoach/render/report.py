"""A one-page summary for a physiotherapist or doctor, in Markdown or HTML.

Plain text files, not terminal output: the HTML is self-contained (inline CSS
and an inline SVG chart of pain before and after each session).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from html import escape
from pathlib import Path

from backcoach.clinical import DURING_SESSION, NOT_A_DIAGNOSIS, RED_FLAGS
from backcoach.history.facts import ExerciseTally, Overview
from backcoach.history.stats import Stats
from backcoach.render.words import counted
from backcoach.vocabulary import Position, unknown

FORMATS = ("md", "html")
_BY_SUFFIX = {".html": "html", ".htm": "html", ".md": "md", ".markdown": "md"}


# ( ) need no escape: with [ and ] escaped no link can form, and "\(" reads badly.
_MARKDOWN = re.compile(r"([\\`*_\[\]{}#+!|~])")


def md(text: str) -> str:
    """Text from the history in a Markdown table cell or list item: one line, no controls,
    Markdown's punctuation escaped and no HTML (a stored name is never markup)."""
    flat = _flat(text)
    flat = flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN.sub(r"\\\1", flat)


def h(text: str) -> str:
    """Text from the history in HTML: controls dropped, escaped."""
    return escape(_flat(text))


def _flat(text: str) -> str:
    """One line: line breaks and tabs as spaces, then controls, bidi overrides and
    isolates and zero-width characters dropped (vocabulary.printable)."""
    from backcoach.vocabulary import printable

    return printable(re.sub(r"[\r\n\t\v\f]", " ", text)).strip()


def _is_a_report(path: Path) -> bool:
    """Whether an existing file is a report backcoach wrote (so it may be replaced)."""
    try:
        with path.open("rb") as file:
            head = file.read(512)
    except OSError:
        return False
    return head.startswith(b"# backcoach summary\n") or (
        head.startswith(b"<!doctype html>") and b"<title>backcoach summary</title>" in head
    )


def write(path: Path, text: str, *, force: bool = False) -> None:
    """The report file, written whole or not at all, and never over a file that matters.

    backcoach's own files (the history, config.toml, caches) are never replaced; any
    other existing file only if it is an earlier report, or with `force`.
    """
    from backcoach.errors import StorageError, UsageError
    from backcoach.paths import own_files, write_text_atomically

    if path.is_dir():
        raise UsageError(f"{path} is a folder; give a file name")
    resolved = path.resolve()
    if any(resolved == own or resolved.is_relative_to(own) for own in own_files()):
        raise UsageError(
            f"{path} is one of backcoach's own files (your history, settings or caches); "
            "the report was not written",
            hint="give the report another name, such as summary.md",
        )
    if path.exists() and not force and not _is_a_report(path):
        raise UsageError(
            f"{path} exists and is not a backcoach report; it was left as it is",
            hint="give another name, or add --force to replace it",
        )
    try:
        write_text_atomically(path, text)
    except OSError as exc:
        raise StorageError(f"cannot write {path}: {exc.strerror or exc}") from exc


def format_for(asked: str | None, output: Path | None) -> str:
    """--format if given, else the output file's extension (as pandoc does), else md."""
    if asked is not None:
        word = asked.strip().lower()
        if word not in FORMATS:
            raise unknown("format", word, FORMATS)
        return word
    if output is not None:
        return _BY_SUFFIX.get(output.suffix.lower(), "md")
    return "md"


_FLAGS = {flag.code: flag for flag in (*RED_FLAGS, DURING_SESSION)}


def _period(overview: Overview) -> str:
    if overview.first is None or overview.last is None:
        return "no sessions yet"
    return f"{overview.first.date().isoformat()} to {overview.last.date().isoformat()}"


def _pain(value: float | None) -> str:
    return "not recorded" if value is None else f"{value:.1f}/10"


def _credit_words(credits: Sequence[str]) -> str:
    return "Some exercises were imported from open data, reviewed by the person: " + "; ".join(
        credits
    )


def _exercise_rows(overview: Overview) -> list[ExerciseTally]:
    """Each exercise reached, most attempted first."""
    return sorted(overview.exercises, key=lambda row: (-row.tried, row.name))


def _clinician_lines(overview: Overview) -> list[str]:
    """Each answer to the see-a-clinician items, with the clearance and its date."""
    out = []
    for check in overview.clinician_checks:
        items = "; ".join(
            _FLAGS[c].text if c in _FLAGS else "an item no longer known" for c in check.codes
        )
        if not check.codes:
            verdict = "none applied"
        elif check.cleared:
            verdict = f"applied: {items}. A clinician had said exercise is fine"
        else:
            verdict = f"applied: {items}. No clinician clearance yet: no session"
        out.append(f"{check.checked_at.date().isoformat()}: {verdict}")
    return out


def _red_flag_answers(overview: Overview) -> list[tuple[date, str, str]]:
    out = []
    for answer in overview.red_flags:
        for code in answer.codes:
            flag = _FLAGS.get(code)
            tier = flag.tier.value if flag else (answer.tier or "")
            out.append(
                (answer.started_at.date(), tier, flag.text if flag else "an item no longer known")
            )
    return out


def markdown(
    overview: Overview,
    stats: Stats,
    generated: date,
    credits: Sequence[str] = (),
    ended: Sequence[str] = (),
) -> str:
    """The report as Markdown: a heading, then each section's table or list. `ended`:
    each session that did not run to its end, in words (reporting.ended_words)."""
    lines = [
        "# backcoach summary",
        "",
        f"Period: {_period(overview)} · generated {generated.isoformat()}",
        "",
        f"_{NOT_A_DIAGNOSIS} This summary is what the person recorded in backcoach._",
    ]
    for title, body in _markdown_sections(overview, stats, credits, ended):
        lines += ["", f"## {title}", "", *body]
    return "\n".join(lines) + "\n"


def _md_table(columns: Sequence[str], rows: list[str]) -> list[str]:
    return [f"| {' | '.join(columns)} |", f"|{' --- |' * len(columns)}", *rows]


def _md_table_or(columns: Sequence[str], rows: list[str], empty: str) -> list[str]:
    """A table of the rows, or a line that says there are none."""
    return _md_table(columns, rows) if rows else [empty]


def _or(lines: list[str], empty: str) -> list[str]:
    """The lines, or one that says there are none."""
    return lines or [empty]


def _markdown_sections(
    overview: Overview, stats: Stats, credits: Sequence[str], ended: Sequence[str]
) -> list[tuple[str, list[str]]]:
    """Each section's title and lines, in the report's order."""
    return [
        ("Adherence", _md_adherence(stats)),
        ("Pain (0-10)", _md_pain(overview, stats)),
        ("Exercises and doses", _md_exercises(overview, credits)),
        ("Dose changes (newest first)", _or(
            [f"- {c.at.astimezone().date().isoformat()}: {md(c.name)}, {md(c.reason)}"
             for c in overview.dose_changes],
            "None yet: doses are the catalogue's.",
        )),
        ("Desk breaks against reminders (last 7 days)", _md_table_or(
            ("day", "breaks taken", "reminders"),
            [f"| {d.isoformat()} | {t} | {g} |" for d, t, g in stats.desk_breaks],
            "None.",
        )),
        ("Skipped or stopped most often", _or(
            [f"- {md(name)}: {counted(n, 'time')}" for _, name, n in stats.most_skipped],
            NO_EXERCISE_STOPPED,
        )),
        (ENDED_TITLE, _or([f"- {md(line)}" for line in ended], EVERY_SESSION_ENDED)),
        ("Stopped because leg symptoms spread", _or(
            [f"- {md(name)}: {counted(times, 'time')}"
             for _, name, times in stats.stopped_for_symptoms],
            "None.",
        )),
        ("See-a-clinician items (asked once per episode)", _or(
            [f"- {md(line)}" for line in _clinician_lines(overview)], "Not asked yet."
        )),
        ("Red-flag screen", _or(
            [f"- {day.isoformat()} ({md(tier)}): {md(text)}"
             for day, tier, text in _red_flag_answers(overview)],
            "No red flags reported at any session.",
        )),
    ]  # fmt: skip


def _md_adherence(stats: Stats) -> list[str]:
    return [
        f"- Sessions: {stats.sessions}, of which completed: {stats.completed}",
        f"- Current streak: {counted(stats.current_streak, 'day')}; "
        f"longest: {counted(stats.longest_streak, 'day')}",
        "",
        *_md_table(
            ("week of", "sessions", "minutes"),
            [f"| {w.start.isoformat()} | {w.sessions} | {w.minutes:.0f} |" for w in stats.weeks],
        ),
    ]


def _leg(value: int | None) -> str:
    return "–" if value is None else str(value)


# Exercises skipped or stopped, and sessions that did not run to their end, are two
# lists: a session's line among the exercises read as one more exercise.
NO_EXERCISE_STOPPED = "No exercise skipped or stopped."
ENDED_TITLE = "Sessions not done in full"
EVERY_SESSION_ENDED = "None: every session ran to its end."


def _averages(overview: Overview, stats: Stats) -> list[str]:
    """The averages, over the sessions the table below shows (said so), and pain before
    over every session that has it (as the weekly table of the programme averages it)."""
    if stats.pain_sessions:
        lines = [
            f"Average pain before a session: {_pain(stats.pain_before_average)}; after: "
            f"{_pain(stats.pain_after_average)}; over the "
            f"{counted(stats.pain_sessions, 'session')} in the table below (those with pain "
            "given both before and after)"
        ]
    else:
        lines = ["No session has pain given both before and after yet: no average to compare"]
    before = [s.pain_before for s in overview.sessions if s.pain_before is not None]
    if len(before) > stats.pain_sessions:
        lines.append(
            f"Pain before, over all {counted(len(before), 'session')} that have it (some "
            "have no score after: stopped early, or the question skipped): "
            f"{_pain(sum(before) / len(before))}"
        )
    return lines


def _leg_line(stats: Stats) -> str:
    return (
        f"Average leg pain before a session: {_pain(stats.leg_before_average)}; after: "
        f"{_pain(stats.leg_after_average)} (over the same {counted(stats.leg_sessions, 'session')} "
        "with leg pain given before and after)"
    )


def _hurt_line(stats: Stats) -> str:
    return "Stopped for sharp pain (the x key): " + ", ".join(
        f"{name} ({count}×)" for _, name, count in stats.stopped_for_pain
    )


def _md_pain(overview: Overview, stats: Stats) -> list[str]:
    legs = any(p.leg_before is not None or p.leg_after is not None for p in stats.pain)
    columns = (
        ("date", "before", "after", "leg before", "leg after")
        if legs
        else ("date", "before", "after")
    )
    rows = [
        f"| {p.day.isoformat()} | {p.before} | {p.after} |"
        + (f" {_leg(p.leg_before)} | {_leg(p.leg_after)} |" if legs else "")
        for p in stats.pain
    ]
    return [
        *(f"- {line}" for line in _averages(overview, stats)),
        *([f"- {_leg_line(stats)}"] if stats.leg_sessions else []),
        *([f"- {md(_hurt_line(stats))}"] if stats.stopped_for_pain else []),
        "",
        *(_md_table(columns, rows) if rows else []),  # none: the line above says so
    ]


def _md_exercises(overview: Overview, credits: Sequence[str]) -> list[str]:
    """Each exercise reached, and the open data some came from."""
    rows = [
        f"| {md(row.name)} | {row.done} / {row.tried} | {md(row.latest_dose)} |"
        for row in _exercise_rows(overview)
    ]
    columns = ("exercise", "done in full / attempted", "latest dose")
    lines = _md_table_or(columns, rows, "None yet.")
    return lines + ([f"\n{md(_credit_words(credits))}"] if credits else [])


def pain_svg(stats: Stats, width: int = 640, height: int = 240) -> str:
    """An inline SVG line chart of pain before (dashed) and after (solid) each session."""
    points = stats.pain
    left, right, top, bottom = 40, 10, 10, 30
    plot_w, plot_h = width - left - right, height - top - bottom

    def x(index: int) -> float:
        return left + (plot_w * index / (len(points) - 1) if len(points) > 1 else plot_w / 2)

    def y(value: int) -> float:
        return top + plot_h * (1 - value / 10)

    grid = "".join(
        f'<line x1="{left}" y1="{y(v):.1f}" x2="{width - right}" y2="{y(v):.1f}" class="grid"/>'
        f'<text x="{left - 8}" y="{y(v) + 4:.1f}" text-anchor="end">{v}</text>'
        for v in range(0, 11, 2)
    )

    def line(values: list[int], css: str) -> str:
        coords = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values))
        dots = "".join(
            f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3" class="{css}"/>'
            for i, v in enumerate(values)
        )
        return f'<polyline points="{coords}" class="{css}"/>{dots}'

    labels = ""
    if points:
        labels = (
            f'<text x="{x(0):.1f}" y="{height - 8}" text-anchor="start">'
            f"{points[0].day.isoformat()}</text>"
            f'<text x="{x(len(points) - 1):.1f}" y="{height - 8}" text-anchor="end">'
            f"{points[-1].day.isoformat()}</text>"
        )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="Pain before and after each session, 0 to 10">{grid}'
        f"{line([p.before for p in points], 'before')}{line([p.after for p in points], 'after')}"
        f"{labels}</svg>"
    )


_CSS = """
body { font: 15px/1.45 system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; color: #222; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.15rem; margin-top: 1.6rem; }
table { border-collapse: collapse; } td, th { border: 1px solid #ccc; padding: .2rem .6rem; }
.note { color: #555; font-style: italic; }
svg { width: 100%; height: auto; } svg text { font-size: 11px; fill: #555; }
.grid { stroke: #e5e5e5; } polyline { fill: none; stroke-width: 2; }
polyline.before { stroke: #c0392b; stroke-dasharray: 6 4; } circle.before { fill: #c0392b; }
polyline.after { stroke: #2471a3; } circle.after { fill: #2471a3; }
@media print { body { margin: 0; } }
"""


def _html_list(items: list[str], empty: str) -> str:
    """Items already escaped, as a list; `empty` when there are none."""
    if not items:
        return f"<p>{h(empty)}</p>"
    return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


def html(
    overview: Overview,
    stats: Stats,
    generated: date,
    positions: Mapping[str, tuple[Position, str | None]] | None = None,
    credits: Sequence[str] = (),
    ended: Sequence[str] = (),
) -> str:
    """The report as one HTML file; each exercise with its starting position drawn
    (figures.py: the same figure `show` prints), its words as the text alternative."""
    sections = _html_sections(overview, stats, positions or {}, credits, ended)
    body = "".join(f"<h2>{title}</h2>\n{content}\n" for title, content in sections)
    return f"""<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>backcoach summary</title><style>{_CSS}</style></head>
<body>
<h1>backcoach summary</h1>
<p>Period: {h(_period(overview))} · generated {generated.isoformat()}</p>
<p class="note">{h(NOT_A_DIAGNOSIS)} This summary is what the person recorded in backcoach.</p>
{body}</body>
</html>
"""


def _html_sections(
    overview: Overview,
    stats: Stats,
    positions: Mapping[str, tuple[Position, str | None]],
    credits: Sequence[str],
    ended: Sequence[str],
) -> list[tuple[str, str]]:
    """Each section's title and HTML, in the report's order."""
    credit = f'<p class="note">{h(_credit_words(credits))}</p>' if credits else ""
    return [
        ("Adherence", _html_adherence(stats)),
        ("Pain (0–10)", _html_pain(overview, stats)),
        ("Exercises and doses", f"{_html_exercises(overview, positions)}\n{credit}"),
        ("Dose changes (newest first)", _html_list(
            [f"{c.at.astimezone().date().isoformat()}: {h(c.name)}, {h(c.reason)}"
             for c in overview.dose_changes],
            "None yet: doses are the catalogue's.",
        )),
        ("Desk breaks against reminders (last 7 days)", _html_list(
            [
                f"{d.isoformat()}: {counted(t, 'break')}, {counted(g, 'reminder')}"
                for d, t, g in stats.desk_breaks
            ],
            "None.",
        )),
        ("Skipped or stopped most often", _html_list(
            [f"{h(name)}: {counted(n, 'time')}" for _, name, n in stats.most_skipped],
            NO_EXERCISE_STOPPED,
        )),
        (ENDED_TITLE, _html_list([h(line) for line in ended], EVERY_SESSION_ENDED)),
        ("Stopped because leg symptoms spread", _html_list(
            [f"{h(name)}: {counted(n, 'time')}" for _, name, n in stats.stopped_for_symptoms],
            "None.",
        )),
        ("See-a-clinician items (asked once per episode)", _html_list(
            [h(line) for line in _clinician_lines(overview)], "Not asked yet."
        )),
        ("Red-flag screen", _html_list(
            [f"{day.isoformat()} ({h(tier)}): {h(text)}"
             for day, tier, text in _red_flag_answers(overview)],
            "No red flags reported at any session.",
        )),
    ]  # fmt: skip


def _html_adherence(stats: Stats) -> str:
    weeks = "".join(
        f"<tr><td>{w.start.isoformat()}</td><td>{w.sessions}</td><td>{w.minutes:.0f}</td></tr>"
        for w in stats.weeks
    )
    return (
        f"<p>Sessions: {stats.sessions}, of which completed: {stats.completed}.\n"
        f"Current streak: {counted(stats.current_streak, 'day')}; "
        f"longest: {counted(stats.longest_streak, 'day')}.</p>\n"
        f"<table><tr><th>week of</th><th>sessions</th><th>minutes</th></tr>{weeks}</table>"
    )


def _html_pain(overview: Overview, stats: Stats) -> str:
    """The average pain before and after, and the chart when there are two sessions to draw."""
    chart = (
        f"<figure>{pain_svg(stats)}<figcaption>Pain 0–10: before each session "
        "(dashed, red) and after "
        "(solid, blue).</figcaption></figure>"
        if len(stats.pain) >= 2
        else "<p>A chart needs at least two sessions with pain recorded before and after.</p>"
    )
    legs = f"<p>{h(_leg_line(stats))}.</p>\n" if stats.leg_sessions else ""
    hurt = f"<p>{h(_hurt_line(stats))}.</p>\n" if stats.stopped_for_pain else ""
    averages = "".join(f"<p>{h(line)}.</p>\n" for line in _averages(overview, stats))
    return f"{averages}{legs}{hurt}{chart}"


def _html_exercises(
    overview: Overview, positions: Mapping[str, tuple[Position, str | None]]
) -> str:
    """A row per exercise reached, its starting position drawn when it is known."""
    from backcoach.render.figures import svg

    rows = _exercise_rows(overview)
    if not rows:
        return "<p>None yet.</p>"
    return (
        "<table><tr><th>starts</th><th>exercise</th><th>done in full / attempted</th>"
        "<th>latest dose</th></tr>"
        + "".join(
            f"<tr><td>{svg(*positions[row.id]) if row.id in positions else ''}</td>"
            f"<td>{h(row.name)}</td>"
            f"<td>{row.done} / {row.tried}</td><td>{h(row.latest_dose)}</td></tr>"
            for row in rows
        )
        + "</table>"
    )
