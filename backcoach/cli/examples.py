"""A few examples for each command's help, as gh and uv give them: an "Examples" epilog."""

from __future__ import annotations

EXAMPLES: dict[str, tuple[tuple[str, str], ...]] = {
    # `backcoach --help`: a first session, a look before one, one exercise.
    "": (
        ("backcoach start --focus lower", "a session for the lower back, questions first"),
        ("backcoach plan --focus upper --minutes 5", "what a 5 minute upper-back one would be"),
        ("backcoach show bird-dog", "how to do one exercise: steps, cautions, dose"),
    ),
    "start": (
        ("backcoach start", "a session for the whole back, with the questions first"),
        ("backcoach start --focus lower --minutes 15", "15 minutes for the lower back"),
        ("backcoach start --flare-up", "a gentle flare-up day, lying down"),
    ),
    "snack": (
        ("backcoach snack", "a 2-5 minute desk break, standing or sitting"),
        ("backcoach snack --minutes 3", "a 3 minute one"),
    ),
    "remind": (
        ("backcoach remind --every 45", "stand up every 45 minutes"),
        ("backcoach remind --between 09:00-17:30", "only during the working day"),
    ),
    "plan": (
        ("backcoach plan", "what start would run today; plan changes nothing"),
        ("backcoach plan --focus lower,stretch --minutes 10", "a shorter, gentler one"),
        ("backcoach plan --seed 12 --json", "a one-off plan, as JSON"),
    ),
    "safety": (
        ("backcoach safety", "what backcoach holds about your safety; update it"),
        ("backcoach safety --json", "the same, for a program"),
    ),
    "routine": (
        ("backcoach routine --focus lower", "your lower-back routine and its dose changes"),
        ("backcoach routine drop bird-dog", "never plan bird-dog for you again"),
    ),
    "list": (
        ("backcoach list", "every exercise"),
        ("backcoach list --focus upper --level beginner", "the gentle upper-back ones"),
    ),
    "show": (
        ("backcoach show bird-dog", "how to do it: steps, cautions, dose, position"),
        ('backcoach show "cat cow" --json', "by its name, as JSON"),
    ),
    "history": (
        ("backcoach history", "past sessions, newest first"),
        ("backcoach history --limit 5 --csv > sessions.csv", "the last five, for a spreadsheet"),
    ),
    "goals": (
        ('backcoach goals add "put my socks on" --score 3', "an activity your back makes hard"),
        ("backcoach goals rate", "score each again, 0 (unable) to 10 (as before)"),
        ("backcoach goals --json", "your goals, first and latest scores"),
    ),
    "schedule": (
        ("backcoach schedule --days mon,wed,fri --at 08:00", "three sessions a week at 8"),
        ("backcoach schedule off", "no planned days"),
    ),
    "week": (
        ("backcoach week", "this week: days planned and done, today's session, goals"),
        ("backcoach week --json", "the same, for a program"),
    ),
    "learn": (
        ("backcoach learn", "the next short lesson"),
        ("backcoach learn --list", "every lesson, and which you have read"),
        ("backcoach learn 3", "lesson 3"),
    ),
    "stats": (
        ("backcoach stats", "streak, sessions a week, minutes, the pain trend"),
        ("backcoach stats --json", "the same, for a program"),
    ),
    "report": (
        ("backcoach report", "a summary to show a physiotherapist or doctor (Markdown)"),
        ("backcoach report --format html --output back.html", "as a web page"),
    ),
    "import": (
        ("backcoach import free-exercise-db exercises.json", "drafts to review, unreviewed"),
    ),
    "add": (("backcoach add", "start a new exercise of your own from a template"),),
    "edit": (
        ("backcoach edit", "edit your own catalogue in $VISUAL or $EDITOR"),
        ("backcoach edit wall-slide", "go straight to one exercise"),
    ),
    "validate": (
        ("backcoach validate", "check the catalogue in use"),
        ("backcoach validate my-exercises.yaml", "check a file of your own"),
    ),
    "config": (
        ("backcoach config", "every setting, its value and where it came from"),
        ("backcoach config set minutes 15", "15 minute sessions unless told otherwise"),
    ),
    # The subcommands: `backcoach goals add --help` and the rest.
    "routine drop": (
        ("backcoach routine drop bird-dog", "never plan bird-dog for you again"),
        ('backcoach routine drop "cat cow"', "by its name"),
    ),
    "routine keep": (("backcoach routine keep bird-dog", "let bird-dog be planned again"),),
    "goals add": (
        ('backcoach goals add "walk the dog" --score 4', "a goal, scored 4 out of 10 now"),
        ('backcoach goals add "lift my child"', "a goal to score later (goals rate)"),
    ),
    "goals rate": (("backcoach goals rate", "score each goal again, Enter to skip one"),),
    "goals drop": (("backcoach goals drop 2", "set goal 2 aside (backcoach goals lists them)"),),
    "config set": (
        ("backcoach config set minutes 15", "15 minute sessions unless told otherwise"),
        ("backcoach config set focus lower", "the lower back unless told otherwise"),
    ),
    "config unset": (("backcoach config unset minutes", "back to the default (10 minutes)"),),
    "config path": (("backcoach config path", "where config.toml is"),),
}


def epilog(name: str) -> str | None:
    """The examples as a help epilog; "\\b" keeps Click from rewrapping the lines."""
    examples = EXAMPLES.get(name)
    if not examples:
        return None
    lines = [line for command, words in examples for line in (f"  # {words}", f"  $ {command}")]
    return "\b\nExamples:\n" + "\n".join(lines)
