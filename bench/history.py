"""Write a faithful user's history: one session a day for N years, through the storage layer.

    python bench/history.py HOME [--years 10]

Each day's session is planned by the planner from the bundled catalogue (about
21 exercises, 30 minutes), begun, recorded exercise by exercise and finished,
as `start` does, with pain before and after and an effort answer. Only the
database's fsync is switched off while it is built, so ten years take seconds.
"""

from __future__ import annotations

import argparse
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from backcoach.catalogue import loader as catalogue
from backcoach.history.store import open_history
from backcoach.plan import planner
from backcoach.plan.timeline import segments


def build(home: Path, years: int) -> int:
    home.mkdir(parents=True, exist_ok=True)
    exercises = catalogue.load(catalogue.bundled_path())
    rng = random.Random(1)
    plans = [planner.build(exercises, planner.Request(minutes=30, seed=seed)) for seed in range(20)]
    days = round(years * 365.25)
    first = datetime(2016, 1, 1, 8, tzinfo=UTC)
    with open_history(home / "history.sqlite3") as history:
        history.db.execute("PRAGMA synchronous = OFF")
        for day in range(days):
            plan = plans[day % len(plans)]
            started = first + timedelta(days=day)
            work = [0.0] * len(plan.steps)
            for segment in segments(plan):
                if segment.activity == "work":
                    work[segment.step_index] += segment.seconds
            pain = rng.randint(2, 6)
            session_id = history.begin(plan, "whole back", pain, work, started_at=started)
            for order, seconds in enumerate(work):
                status = "skipped" if rng.random() < 0.03 else "done"
                history.record_exercise(
                    session_id, order, status, 0.0 if status == "skipped" else seconds
                )
            history.finish(
                session_id,
                outcome="done",
                completed=True,
                active_seconds=plan.total_seconds,
                pain_after=max(0, pain - rng.randint(0, 2)),
                effort=rng.choice(("easy", "about right")),
                ended_at=started + timedelta(seconds=plan.total_seconds),
            )
    return days


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("home", type=Path, help="the BACKCOACH_HOME to write history.sqlite3 in")
    parser.add_argument("--years", type=int, default=10)
    args = parser.parse_args()
    print(f"{build(args.home, args.years)} sessions written to {args.home}")


if __name__ == "__main__":
    main()
