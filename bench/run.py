"""backcoach benchmarks: start-up against the Typer + Rich floor, and session timing.

    python bench/run.py             # everything (includes a real-time ~60 s session)
                                    # and 10 years of daily sessions (bench/history.py)
    python bench/run.py --quick     # start-up only
    python bench/run.py --instructions  # also start-up in instructions (valgrind)
    python bench/run.py --runs 50   # more runs per command (default 30)

Prints one table and writes docs/benchmarks.md with the machine, date and
commit. Exits 1 if a goal is missed. Not part of the test suite: timing on a
shared machine is noise, so no test asserts a time.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent / "backcoach"
FLOOR = [sys.executable, str(ROOT / "bench" / "floor.py"), "--name", "x"]

STARTUP_COMMANDS: dict[str, list[str]] = {
    "floor (Typer + Rich, one option)": FLOOR,
    "backcoach list": [str(BIN), "list"],
    "backcoach show bird-dog": [str(BIN), "show", "bird-dog"],
    "backcoach plan": [str(BIN), "plan", "--seed", "1"],
    "backcoach --help": [str(BIN), "--help"],
}
STARTUP_GOAL = 1.2  # times the floor
SCALE_SIZES = (1_000, 10_000, 100_000)
FIRST_RUN_1K_GOAL = 1.0  # seconds
SECOND_RUN_10K_GOAL = 0.5  # seconds
MEMORY_10K_GOAL_MIB = 200
SESSION_MEMORY_GOAL_MIB = 80
TIMING_GOAL_MS = 50.0
CPU_GOAL = 0.01  # share of one core during the countdown
KEY_LATENCY_GOAL_MS = 15.0
HISTORY_YEARS = 10
HISTORY_TIME_GOAL = 2.0  # times `list` on the same machine
HISTORY_MEMORY_GOAL_MIB = 100


@dataclass
class Row:
    name: str
    value: str
    goal: str
    ok: bool | None


def run_measured(command: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system) and peak RSS in MiB of one run."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
        env=env,
    )  # fmt: skip
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"benchmark command failed: {' '.join(command)}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024  # Linux: KiB


def run_once(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    wall, cpu, _ = run_measured(command, env)
    return wall, cpu


def startup(runs: int, env: dict[str, str]) -> tuple[list[Row], dict[str, float]]:
    for command in STARTUP_COMMANDS.values():
        run_once(command, env)  # warm the page cache and the catalogue cache
    samples: dict[str, list[float]] = {name: [] for name in STARTUP_COMMANDS}
    for _ in range(runs):
        for name, command in STARTUP_COMMANDS.items():  # interleaved, so drift hits all alike
            samples[name].append(run_once(command, env)[0])
    medians = {name: statistics.median(values) for name, values in samples.items()}
    floor = medians["floor (Typer + Rich, one option)"]
    rows = []
    for name, median in medians.items():
        ratio = median / floor
        is_floor = name.startswith("floor")
        rows.append(
            Row(
                f"start-up: {name}",
                f"{median * 1000:.0f} ms" + ("" if is_floor else f" ({ratio:.2f}× floor)"),
                "" if is_floor else f"≤ {STARTUP_GOAL}× floor",
                None if is_floor else ratio <= STARTUP_GOAL,
            )
        )
    return rows, medians


def instructions(env: dict[str, str]) -> list[Row]:
    """Start-up in instructions (valgrind's callgrind), which repeat exactly where wall
    time does not: the same figure twice even with the other core loaded. Informational."""
    valgrind = shutil.which("valgrind")
    if not valgrind:
        return [Row("start-up in instructions", "valgrind not found: skipped", "", None)]
    counts: dict[str, int] = {}
    for name, command in STARTUP_COMMANDS.items():
        if command[0] == str(BIN):  # valgrind follows the interpreter, not a script's #!
            command = [sys.executable, *command]
        result = subprocess.run(
            [valgrind, "--tool=callgrind", "--callgrind-out-file=/dev/null", *command],
            env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        found = re.search(r"Collected : (\d+)", result.stderr)
        if found:
            counts[name] = int(found.group(1))
    floor = counts.get("floor (Typer + Rich, one option)")
    rows = []
    for name, count in counts.items():
        ratio = f" ({count / floor:.2f}× floor)" if floor and not name.startswith("floor") else ""
        rows.append(
            Row(f"start-up in instructions: {name}", f"{count / 1e6:,.0f} M{ratio}", "", None)
        )
    return rows


def _process_cpu(pid: int) -> float | None:
    """CPU seconds (user + system) a running process has used so far; Linux /proc only."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


def session_timing(env: dict[str, str]) -> list[Row]:
    """A real-time session of about a minute, timed from its own output.

    The countdown starts when "[00:00] ..." (the first event) is printed and
    ends when the summary appears, so start-up is left out by construction.
    """
    plan_args = ["--minutes", "1", "--seed", "7", "--focus", "lower,stretch"]
    plan = json.loads(
        subprocess.run(
            [str(BIN), "plan", *plan_args, "--json"],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        ).stdout  # fmt: skip
    )
    total = plan["total_seconds"]
    process = subprocess.Popen(
        [str(BIN), "start", "--yes", "--plain", "--sound", "off", *plan_args],
        stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True, env=env, bufsize=1,
    )  # fmt: skip
    assert process.stdout is not None
    began = ended = None
    cpu_began = cpu_ended = None
    for line in process.stdout:
        if began is None and line.startswith("[00:00]"):
            began, cpu_began = time.perf_counter(), _process_cpu(process.pid)
        elif began is not None and line.startswith("What you did"):
            ended, cpu_ended = time.perf_counter(), _process_cpu(process.pid)
    if process.wait() != 0 or began is None or ended is None:
        raise SystemExit("the benchmark session did not run to the end")
    drift_ms = (ended - began - total) * 1000
    rows = [
        Row(
            f"timing: {total} s session, countdown wall time − plan",
            f"{drift_ms:+.0f} ms",
            f"within {TIMING_GOAL_MS:.0f} ms",
            abs(drift_ms) <= TIMING_GOAL_MS,
        )
    ]
    if cpu_began is not None and cpu_ended is not None:
        share = (cpu_ended - cpu_began) / (ended - began)
        rows.append(
            Row(
                "timing: CPU during the countdown (plain mode)",
                f"{share * 100:.2f}% of a core",
                f"< {CPU_GOAL * 100:.0f}%",
                share < CPU_GOAL,
            )
        )
    return rows


def live_cpu(env: dict[str, str]) -> list[Row]:
    """CPU and drift of the full-screen live view during a real-time session (100×30 pty)."""
    if sys.platform == "win32" or not Path("/proc/self/stat").exists():
        return []
    import fcntl
    import pty
    import select
    import struct
    import termios

    args = ["--minutes", "1", "--seed", "7"]
    total = json.loads(
        subprocess.run(
            [str(BIN), "plan", *args, "--json"], capture_output=True, text=True, env=env,
            check=True,
        ).stdout
    )["total_seconds"]  # fmt: skip
    primary, secondary = pty.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    process = subprocess.Popen(
        [str(BIN), "start", "--yes", "--sound", "off", *args],
        stdin=secondary, stdout=secondary, stderr=secondary, close_fds=True,
        env=dict(env, TERM="xterm-256color"),
    )  # fmt: skip
    os.close(secondary)
    seen = b""
    began = ended = None
    cpu_began = cpu_ended = None
    while process.poll() is None:
        ready, _, _ = select.select([primary], [], [], 1.0)
        if not ready:
            continue
        try:
            chunk = os.read(primary, 65536)
        except OSError:
            break
        seen = (seen + chunk)[-8192:]
        if began is None and b"GET READY" in seen:
            began, cpu_began = time.perf_counter(), _process_cpu(process.pid)
        if began is not None and ended is None and b"What you did" in seen:
            ended, cpu_ended = time.perf_counter(), _process_cpu(process.pid)
    process.wait()
    os.close(primary)
    if None in (began, ended, cpu_began, cpu_ended):
        return []
    assert began is not None and ended is not None
    assert cpu_began is not None and cpu_ended is not None
    share = (cpu_ended - cpu_began) / (ended - began)
    drift_ms = (ended - began - total) * 1000
    return [
        Row(
            "timing: CPU during the countdown (full-screen live view, 100×30 pty)",
            f"{share * 100:.2f}% of a core",
            f"< {CPU_GOAL * 100:.0f}%",
            share < CPU_GOAL,
        ),
        Row(
            f"timing: {total} s session in the live view, wall time − plan",
            f"{drift_ms:+.0f} ms",
            f"within {TIMING_GOAL_MS:.0f} ms",
            abs(drift_ms) <= TIMING_GOAL_MS,
        ),
    ]


def key_latency(env: dict[str, str], presses: int = 12) -> list[Row]:
    """From a key press to the changed frame: space pressed in a pty, until PAUSED is drawn.

    The bytes are written straight to the pty (pexpect would wait 50 ms before each send,
    its `delaybeforesend`, which is what a first measurement of 54 ms was).
    """
    if sys.platform == "win32":
        return []
    import fcntl
    import pty
    import select
    import struct
    import termios

    primary, secondary = pty.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    process = subprocess.Popen(
        [str(BIN), "start", "--yes", "--sound", "off", "--minutes", "5", "--seed", "7"],
        stdin=secondary, stdout=secondary, stderr=secondary, close_fds=True,
        env=dict(env, TERM="xterm-256color"), start_new_session=True,
    )  # fmt: skip
    os.close(secondary)

    def wait_for(token: bytes) -> float:
        seen, until = b"", time.perf_counter() + 10
        while time.perf_counter() < until:
            ready, _, _ = select.select([primary], [], [], 0.5)
            if ready:
                seen += os.read(primary, 65536)
                if token in seen:
                    return time.perf_counter()
        raise SystemExit(f"the latency session never showed {token!r}")

    try:
        wait_for(b"GET READY")
        samples = []
        for _ in range(presses):
            time.sleep(0.37)  # land at different points of the countdown's second
            pressed = time.perf_counter()
            os.write(primary, b" ")
            samples.append((wait_for(b"PAUSED") - pressed) * 1000)
            time.sleep(0.2)
            os.write(primary, b" ")
            wait_for(b"exercise")  # resumed: a frame with the progress line again
        os.write(primary, b"q")
    finally:
        time.sleep(0.3)
        process.kill()
        process.wait()
        os.close(primary)
    median = statistics.median(samples)
    return [
        Row(
            f"keys: space to PAUSED on screen, median of {presses} (100×30 pty)",
            f"{median:.1f} ms (max {max(samples):.1f} ms)",
            f"≤ {KEY_LATENCY_GOAL_MS:.0f} ms",
            median <= KEY_LATENCY_GOAL_MS,
        )
    ]


def history_scale(env: dict[str, str]) -> list[Row]:
    """Commands that read the history, with ten years of daily sessions behind them."""
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as home:
        subprocess.run(
            [sys.executable, str(ROOT / "bench" / "history.py"), home,
             "--years", str(HISTORY_YEARS)],
            check=True, stdout=subprocess.DEVNULL, env=env,
        )  # fmt: skip
        size = (Path(home) / "history.sqlite3").stat().st_size / 2**20
        run_env = dict(env, BACKCOACH_HOME=home)
        commands = {
            "floor": FLOOR,  # measured in the same rounds: the ratio is not skewed by drift
            "list": [str(BIN), "list"],
            "history": [str(BIN), "history"],
            "stats": [str(BIN), "stats"],
            "report": [str(BIN), "report"],
            # The routine (the warm run makes it): progression and the routine read.
            "plan": [str(BIN), "plan"],
        }
        for command in commands.values():
            run_measured(command, run_env)  # warm: caches and the page cache
        times: dict[str, list[float]] = {name: [] for name in commands}
        peaks: dict[str, float] = dict.fromkeys(commands, 0.0)
        for _ in range(7):
            for name, command in commands.items():
                wall, _, mib = run_measured(command, run_env)
                times[name].append(wall)
                peaks[name] = max(peaks[name], mib)
        base = statistics.median(times["list"])
        floor_now = statistics.median(times["floor"])
        for name in commands:
            if name == "floor":
                continue
            median = statistics.median(times[name])
            ratio = median / base
            fits = ratio <= HISTORY_TIME_GOAL and peaks[name] < HISTORY_MEMORY_GOAL_MIB
            goal = f"≤ {HISTORY_TIME_GOAL:g}× list, < {HISTORY_MEMORY_GOAL_MIB} MiB"
            extra = ""
            if name == "plan":  # issue 11: plan within 1.2× the floor, whatever the history
                extra = f", {median / floor_now:.2f}× floor"
                fits = fits and median / floor_now <= STARTUP_GOAL
                goal += f", ≤ {STARTUP_GOAL:g}× floor"
            rows.append(
                Row(
                    f"history of {HISTORY_YEARS} years ({size:.0f} MB): {name}",
                    f"{median * 1000:.0f} ms ({ratio:.2f}× list{extra}), {peaks[name]:.0f} MiB",
                    "" if name == "list" else goal,
                    None if name == "list" else fits,
                )
            )
    return rows


def scale(env: dict[str, str], sizes: tuple[int, ...]) -> list[Row]:
    """Catalogues cloned to N exercises: list --json and plan, first run and second."""
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            path = Path(folder) / f"catalogue-{size}.yaml"
            # Made by a separate process: a child forked from a bench holding a large
            # catalogue would report the bench's memory as its own peak.
            with path.open("w", encoding="utf-8") as handle:
                subprocess.run(
                    [sys.executable, str(ROOT / "bench" / "scale.py"), str(size)],
                    stdout=handle, check=True,
                )  # fmt: skip
            home = Path(folder) / f"home-{size}"
            run_env = dict(env, BACKCOACH_HOME=str(home), BACKCOACH_CATALOGUE=str(path))
            commands = {
                "list --json": [str(BIN), "list", "--json"],
                "plan --minutes 20": [str(BIN), "plan", "--minutes", "20", "--seed", "1"],
            }
            for name, command in commands.items():
                shutil.rmtree(home, ignore_errors=True)  # first run: nothing cached
                first, _, first_mib = run_measured(command, run_env)
                second, _, second_mib = run_measured(command, run_env)
                goal, ok = "", None
                if size == 1_000:
                    goal, ok = f"first < {FIRST_RUN_1K_GOAL:g} s", first < FIRST_RUN_1K_GOAL
                elif size == 10_000:
                    goal = f"second < {SECOND_RUN_10K_GOAL:g} s, < {MEMORY_10K_GOAL_MIB} MiB"
                    ok = (
                        second < SECOND_RUN_10K_GOAL
                        and max(first_mib, second_mib) < MEMORY_10K_GOAL_MIB
                    )
                rows.append(
                    Row(
                        f"scale: {size:,} exercises, {name}",
                        f"first {first:.2f} s / {first_mib:.0f} MiB, "
                        f"second {second:.2f} s / {second_mib:.0f} MiB",
                        goal,
                        ok,
                    )
                )
    return rows


def session_memory(env: dict[str, str]) -> list[Row]:
    """Peak RSS of a whole session, start to summary (time-scaled: memory, not time)."""
    _, _, mib = run_measured(
        [str(BIN), "start", "--yes", "--plain", "--minutes", "20", "--seed", "3"],
        dict(env, BACKCOACH_TIME_SCALE="0.001"),
    )
    return [
        Row(
            "memory: peak RSS of start through a 20-minute session",
            f"{mib:.0f} MiB",
            f"< {SESSION_MEMORY_GOAL_MIB} MiB",
            mib < SESSION_MEMORY_GOAL_MIB,
        )
    ]


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    system = f"{platform.system()} {platform.release()}"
    return f"{system}, {cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


def commit() -> str:
    git = shutil.which("git")
    if not git:
        return "unknown"
    result = subprocess.run(
        [git, "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
        check=False,
    )  # fmt: skip
    dirty = subprocess.run(
        [git, "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
        capture_output=True, text=True, check=False,
    ).stdout.strip()  # fmt: skip
    return (result.stdout.strip() or "unknown") + (" (with uncommitted changes)" if dirty else "")


def table(rows: list[Row]) -> str:
    lines = ["| measure | result | goal | met |", "| --- | --- | --- | --- |"]
    for row in rows:
        met = "" if row.ok is None else ("yes" if row.ok else "**no**")
        lines.append(f"| {row.name} | {row.value} | {row.goal} | {met} |")
    return "\n".join(lines)


def write_report(rows: list[Row], runs: int, path: Path) -> None:
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    marker = "<!-- bench/run.py writes below this line -->"
    head = text.split(marker)[0] if marker in text else "# Benchmarks\n\n"
    body = (
        f"{marker}\n\n## Latest run\n\n"
        f"- machine: {machine()}\n"
        f"- date: {time.strftime('%Y-%m-%d %H:%M %Z')}\n"
        f"- commit: {commit()}\n"
        f"- start-up: median of {runs} interleaved runs per command, after one warm-up run\n\n"
        f"{table(rows)}\n"
    )
    path.write_text(head.rstrip() + "\n\n" + body, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=30, help="runs per start-up command")
    parser.add_argument("--quick", action="store_true", help="start-up only, no real-time session")
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="also count start-up instructions with valgrind (repeatable; about 2 minutes)",
    )
    parser.add_argument("--no-write", action="store_true", help="do not update docs/benchmarks.md")
    parser.add_argument(
        "--largest",
        type=int,
        default=SCALE_SIZES[-1],
        help="largest catalogue for the scale runs (100000 takes minutes and GBs on its first run)",
    )
    args = parser.parse_args()
    if not BIN.exists():
        raise SystemExit(f"{BIN} not found: install backcoach in this environment first")
    with tempfile.TemporaryDirectory() as home:
        env = {k: v for k, v in os.environ.items() if not k.startswith("BACKCOACH_")}
        env.update(BACKCOACH_HOME=home, COLUMNS="100", NO_COLOR="1")
        # Measure what people run: pip compiles bytecode when it installs backcoach, and an
        # editable install writes it on first import. With PYTHONDONTWRITEBYTECODE set (as
        # on some CI machines) every run would compile every module from source.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        rows, medians = startup(args.runs, env)
        if args.instructions:
            rows += instructions(env)
        if not args.quick:
            rows += history_scale(env)
            rows += key_latency(env)
            rows += session_timing(env)
            rows += live_cpu(env)
            rows += session_memory(env)
            rows += scale(env, tuple(size for size in SCALE_SIZES if size <= args.largest))
    print(table(rows))
    if not args.no_write:
        write_report(rows, args.runs, ROOT / "docs" / "benchmarks.md")
        print(f"\nwritten to {ROOT / 'docs' / 'benchmarks.md'}")
    return 0 if all(row.ok is not False for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
