"""The clinician's report, in Markdown and HTML (with its chart)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest

from backcoach.history.facts import Overview
from backcoach.history.overview import overview_of
from backcoach.history.stats import compute
from backcoach.history.store import open_history
from backcoach.render import report

from .builders import add_red_flag_stop, add_session
from .conftest import RunCli
from .test_stats import TODAY, days_ago


class Shapes(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.polylines: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "polyline":
            self.polylines.append(dict(attrs))


@pytest.fixture
def overview(tmp_path: Path) -> Overview:
    with open_history(tmp_path / "history.sqlite3") as history:
        add_session(history, days_ago(2), pain=(6, 4), skipped="superman")
        add_session(history, days_ago(1), pain=(5, 3))
        add_red_flag_stop(history, days_ago(0), ("fever",), "urgent")
        return overview_of(history)


def test_html_report_holds_its_chart(overview: Overview) -> None:
    text = report.html(overview, compute(overview, TODAY, UTC), date(2026, 11, 21))
    parser = Shapes()
    parser.feed(text)
    assert parser.tags[0] == "html" and "svg" in parser.tags
    classes = sorted(str(p["class"]) for p in parser.polylines)
    assert classes == ["after", "before"]
    before = next(p for p in parser.polylines if p["class"] == "before")
    assert len(str(before["points"]).split()) == 2  # two sessions with pain before and after
    assert "a temperature of 38 °C or more" in text and "(urgent)" in text


def test_markdown_report_sections(overview: Overview) -> None:
    text = report.markdown(overview, compute(overview, TODAY, UTC), date(2026, 11, 21))
    for heading in ("## Adherence", "## Pain (0-10)", "## Exercises and doses",
                    "## Stopped because leg symptoms spread", "## Red-flag screen"):  # fmt: skip
        assert heading in text
    assert "| 2026-11-19 | 6 | 4 |" in text
    assert "| Superman | 0 / 1 |" in text
    assert "not a diagnosis" in text


def test_report_command_writes_a_file(run: RunCli, tmp_path: Path) -> None:
    target = tmp_path / "summary.html"
    result = run("report", "--format", "html", "--output", str(target))
    assert result.exit_code == 0
    assert target.read_text().startswith("<!doctype html>")
    assert "A chart needs at least two sessions" in target.read_text()
    assert run("report", "--format", "pdf").exit_code == 2
    assert run("report", "--output", str(tmp_path)).exit_code == 2


@pytest.mark.parametrize(
    ("name", "args", "starts"),
    [
        ("summary.html", [], "<!doctype html>"),
        ("summary.HTM", [], "<!doctype html>"),
        ("summary.md", [], "# backcoach summary"),
        ("summary.txt", [], "# backcoach summary"),
        ("summary.html", ["--format", "md"], "# backcoach summary"),
    ],
)
def test_the_report_format_follows_the_file_name(
    run: RunCli, tmp_path: Path, name: str, args: list[str], starts: str
) -> None:
    target = tmp_path / name
    result = run("report", "-o", str(target), *args)
    assert result.exit_code == 0
    assert target.read_text().startswith(starts)


def test_each_exercise_in_the_html_report_has_its_starting_position_drawn(
    run: RunCli, tmp_path: Path, isolated_home: Path
) -> None:
    from backcoach.paths import database_path
    from backcoach.render.figures import svg
    from backcoach.vocabulary import Position

    with open_history(database_path()) as history:
        add_session(history, days_ago(1), pain=(5, 3), skipped="superman")
    target = tmp_path / "summary.html"
    assert run("report", "--output", str(target)).exit_code == 0
    text = target.read_text()
    superman = text[text.index("<tr><td><svg") : text.index("<td>Superman</td>")]
    assert svg(Position.PRONE) in superman  # drawn from the same rows `show` prints
    assert "<title>lying face down</title>" in superman  # its text alternative


def test_the_html_report_draws_childs_pose_as_show_does_not_as_plain_kneeling(
    run: RunCli, tmp_path: Path, isolated_home: Path
) -> None:
    from backcoach.paths import database_path
    from backcoach.render.figures import svg
    from backcoach.vocabulary import Position

    with open_history(database_path()) as history:
        add_session(history, days_ago(1), pain=(5, 3), skipped="childs-pose")
    target = tmp_path / "summary.html"
    assert run("report", "--output", str(target)).exit_code == 0
    text = target.read_text()
    row = text[text.index("<tr><td><svg") : text.index("<td>Childs Pose</td>")]
    assert svg(Position.KNEELING, "sitting-back") in row
    assert svg(Position.KNEELING) not in row


def test_report_averages_the_same_sessions_shows_leg_pain_and_the_routines_dose(
    tmp_path: Path,
) -> None:
    # Issue 23: "average pain 4.5 before, 3.5 after" compared different sets of sessions;
    # leg pain appeared nowhere; the dose shown was a flare-up day's.
    from backcoach.render.report import markdown

    with open_history(tmp_path / "history.sqlite3") as history:
        add_session(history, days_ago(3), pain=(6, 4))
        only_before = add_session(history, days_ago(2), pain=(3, 3))
        history.db.execute("UPDATE sessions SET pain_after = NULL WHERE id = ?", (only_before,))
        legs = add_session(history, days_ago(1), pain=(4, 4))
        history.db.execute(
            "UPDATE sessions SET leg_pain_before = 6, leg_pain_after = 3 WHERE id = ?", (legs,)
        )
        history.db.commit()
        overview = overview_of(history)
        stats = compute(overview, TODAY)
    assert stats.pain_sessions == 2
    assert stats.pain_before_average == 5.0 and stats.pain_after_average == 4.0
    assert stats.leg_before_average == 6 and stats.leg_after_average == 3
    assert stats.pain[-1].leg_before == 6
    text = markdown(overview, stats, TODAY)
    assert "over the 2 sessions in the table below (those with pain given both" in text
    assert "Average leg pain before a session: 6.0/10; after: 3.0/10" in text
    assert "| leg before | leg after |" in text


def test_the_report_holds_the_safety_record_for_the_clinician(
    run: RunCli, isolated_home: Path, tmp_path: Path
) -> None:
    from datetime import UTC, datetime

    from backcoach.clinical import BY_CODE, CONDITIONS
    from backcoach.history.flags import close_all_of, raise_flags
    from backcoach.history.routines import record_episode_answer

    monday = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    with open_history() as history:
        raise_flags(history, [BY_CODE["saddle"]], "screen", monday)
        close_all_of(history, "saddle", "assessed", monday.replace(day=24))
        raise_flags(history, [BY_CODE["fever"]], "screen", monday.replace(day=25))
        for condition in CONDITIONS:
            answer = "yes" if condition.code == "osteoporosis" else "no"
            record_episode_answer(history, "condition:" + condition.code, answer)
    target = tmp_path / "r.md"
    assert run("report", "--output", str(target)).exit_code == 0
    text = target.read_text(encoding="utf-8")
    assert "## Red flags (open and closed)" in text
    assert "reported 23 Nov 2026, closed 24 Nov 2026 (a clinician had assessed it)" in text
    assert "still open" in text and "38" in text  # the fever item, not closed
    assert "yes, osteoporosis: no loaded forward bending" in text
    assert "Not improved after about 4 to 6 weeks" not in text  # never asked
    html = tmp_path / "r.html"
    assert run("report", "--output", str(html)).exit_code == 0
    assert "<h2>Red flags (open and closed)</h2>" in html.read_text(encoding="utf-8")


def test_the_safety_record_names_leg_symptoms_and_a_weeks_item_said_not_to_apply(
    run: RunCli, isolated_home: Path, tmp_path: Path
) -> None:
    # A physiotherapist's check: with leg symptoms answered yes, the report said
    # "Conditions that change the plan: none of them"; and a "does not apply" to the
    # 4-to-6-weeks item, asked because of backcoach's own figures, was not shown.
    from backcoach.clinical import CONDITIONS
    from backcoach.history.flags import LEG_SYMPTOMS, WEEKS_NOT_SO
    from backcoach.history.routines import record_episode_answer

    with open_history() as history:
        for condition in CONDITIONS:
            record_episode_answer(history, "condition:" + condition.code, "no")
        record_episode_answer(history, LEG_SYMPTOMS, "yes")
        record_episode_answer(history, WEEKS_NOT_SO, "no")
    target = tmp_path / "r.md"
    assert run("report", "--output", str(target)).exit_code == 0
    text = target.read_text(encoding="utf-8")
    conditions = text[text.index("## Conditions that change the plan") :]
    conditions = conditions[: conditions.index("\n## ", 1)]
    assert "none of them" not in conditions
    assert "yes, leg symptoms" in conditions and "straight-leg" in conditions
    assert "## Not improved after about 4 to 6 weeks" in text
    assert "the person said it does not apply" in text


def test_each_condition_in_the_safety_record_says_when_it_was_answered(
    run: RunCli, isolated_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A physiotherapist's re-check (issue 23): the conditions were listed without the
    # date they were answered, which CLINICAL.md says they are recorded with.
    from backcoach.clinical import CONDITIONS
    from backcoach.history import routines
    from backcoach.history.flags import LEG_SYMPTOMS

    def answer_on(day: int, question: str, answer: str) -> None:
        at = datetime(2026, 11, day, 12, 0, tzinfo=UTC)
        monkeypatch.setattr(routines, "now", lambda: at)
        with open_history() as history:
            routines.record_episode_answer(history, question, answer)

    for condition in CONDITIONS:
        answer_on(23, "condition:" + condition.code, "no")
    target = tmp_path / "r.md"
    assert run("report", "--output", str(target)).exit_code == 0
    assert "none of them (answered 23 Nov 2026)" in target.read_text(encoding="utf-8")

    answer_on(24, "condition:osteoporosis", "yes")
    answer_on(25, LEG_SYMPTOMS, "yes")
    assert run("report", "--output", str(target)).exit_code == 0
    text = " ".join(target.read_text(encoding="utf-8").split())
    conditions = text[text.index("## Conditions that change the plan") :]
    conditions = conditions[: conditions.index(" ## ", 1)]
    assert "none of them" not in conditions
    assert "no stretch pushed to the end of the range (answered 24 Nov 2026)" in conditions
    assert "after nerve-stretching exercises (answered 25 Nov 2026)" in conditions


# --- issue 23 leftovers: what a clinician reads must not contradict itself ------------


def test_the_averages_say_which_sessions_they_cover_and_never_none_over_0(
    tmp_path: Path,
) -> None:
    from backcoach.render.report import markdown

    with open_history(tmp_path / "history.sqlite3") as history:
        for day in (3, 2):  # pain before, none after (stopped early, or not answered)
            sid = add_session(history, days_ago(day), pain=(6, 6), completed=False)
            history.db.execute("UPDATE sessions SET pain_after = NULL WHERE id = ?", (sid,))
        history.db.commit()
        overview = overview_of(history)
    text = markdown(overview, compute(overview, TODAY, UTC), TODAY)
    assert "over 0 session" not in text and "not recorded" not in text
    assert "No session has pain given both before and after yet" in text
    assert "Pain before, over all 2 sessions that have it" in text and "6.0/10" in text
    with open_history(tmp_path / "history.sqlite3") as history:
        add_session(history, days_ago(1), pain=(4, 2))
        overview = overview_of(history)
    text = markdown(overview, compute(overview, TODAY, UTC), TODAY)
    assert "over the 1 session in the table below" in text
    assert "| 2026-11-20 | 4 | 2 |" in text  # the one row the averages cover


def test_a_stopped_session_is_never_reported_as_nothing_skipped(
    run: RunCli, isolated_home: Path, tmp_path: Path
) -> None:
    from backcoach.clinical import DURING_SESSION
    from backcoach.history.flags import raise_flags

    with open_history() as history:
        add_session(history, days_ago(3))
        add_session(history, days_ago(2), completed=False)  # q
        stopped = add_session(history, days_ago(1), completed=False)  # s, then 2
        history.db.execute(
            "UPDATE sessions SET outcome = 'stopped', red_flags = ?, red_flag_tier = "
            "'emergency' WHERE id = ?", ('["new-weakness"]', stopped),
        )  # fmt: skip
        history.db.commit()
        at = datetime.combine(days_ago(1), datetime.min.time(), UTC)
        raise_flags(history, [DURING_SESSION], "session", at, stopped)
    for name in ("r.md", "r.html"):
        target = tmp_path / name
        assert run("report", "--output", str(target)).exit_code == 0
        text = target.read_text(encoding="utf-8")
        assert "None: every session ran to its end" not in text
        assert "the session stopped before the end with q" in text
        assert "the session stopped: new numbness or weakness" in text
        assert "emergency advice given" in text
        # The safety record in the words the person was shown: no id, no "\(".
        assert "new-weakness" not in text and "\\(" not in text
        assert "an emergency item (get help now)" in text
        assert text.endswith("\n") and not text.endswith("\n\n")  # one final newline


def test_the_report_file_ends_with_a_newline_whatever_the_history(
    run: RunCli, tmp_path: Path
) -> None:
    for name in ("empty.md", "empty.html"):
        target = tmp_path / name
        assert run("report", "--output", str(target)).exit_code == 0
        text = target.read_text(encoding="utf-8")
        assert text.endswith("\n") and not text.endswith("\n\n")
    empty = (tmp_path / "empty.md").read_text(encoding="utf-8")
    assert "No exercise skipped or stopped." in empty
    assert "None: every session ran to its end." in empty


# --- issue 24: words a person reads --------------------------------------------------


def test_the_report_names_exercises_without_their_ids_and_its_counts_agree(
    run: RunCli, isolated_home: Path, tmp_path: Path
) -> None:
    # A new user read "Marching On The Spot (marching-on-the-spot)", a session's line
    # among the exercises skipped most often, a "done" column that counted days beside
    # "Sessions: 10", and a last line "- no hold".
    from backcoach.paths import database_path

    with open_history(database_path()) as history:
        add_session(history, days_ago(3), skipped="marching-on-the-spot", status="stopped")
        add_session(history, days_ago(2), completed=False, skipped="bird-dog")  # q
        sid = add_session(history, days_ago(1), skipped="bird-dog", status="done")
        history.db.execute(
            "UPDATE session_exercises SET dose_reason = 'up a rep: the last two went well' "
            "WHERE session_id = ?", (sid,),
        )  # fmt: skip
        history.db.commit()
    for name in ("r.md", "r.html"):
        target = tmp_path / name
        assert run("report", "--output", str(target)).exit_code == 0
        text = target.read_text(encoding="utf-8")
        assert "Marching On The Spot" in text and "Bird Dog" in text
        assert "marching-on-the-spot" not in text and "bird-dog" not in text
        assert "<code>" not in text
        assert "up a rep: the last two went well" in text  # the dose change, by name
        skipped = text[text.index("Skipped or stopped most often") :]
        skipped = skipped[: skipped.index("Sessions not done in full")]
        assert "Marching On The Spot" in skipped and "the session" not in skipped
        ended = text[text.index("Sessions not done in full") :]
        assert "the session stopped before the end with q" in ended
        assert "days with a session" in text and "| done |" not in text
        assert "<th>done</th>" not in text
        assert "no hold" not in text
        assert "never paused: leg symptoms have not spread twice within 14 days" in text


def test_a_session_with_a_stop_for_pain_is_not_said_to_have_stopped_early(
    run: RunCli, isolated_home: Path, tmp_path: Path
) -> None:
    # A new user's re-check: history said "complete", stats did not count it, and the
    # report said "the session stopped before the end": it ran to its end, not in full.
    from datetime import UTC, datetime

    from backcoach.paths import database_path

    from .builders import one_step_plan

    when = datetime(2026, 11, 23, 9, tzinfo=UTC)
    with open_history(database_path()) as history:
        sid = history.begin(one_step_plan("glute-bridge"), "lower back", 3, [10.0],
                            started_at=when)  # fmt: skip
        history.record_exercise(sid, 0, "hurt", 5.0)
        history.finish(sid, outcome="done", completed=False, active_seconds=60, ended_at=when)
    target = tmp_path / "r.md"
    assert run("report", "--output", str(target)).exit_code == 0
    text = " ".join(target.read_text(encoding="utf-8").split())
    assert "ran to its end, but not in full (an exercise stopped for sharp pain)" in text
    assert "stopped before the end" not in text
