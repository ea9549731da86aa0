"""The catalogue ships in the wheel: build it, install it into a fresh venv, use it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out),
         str(ROOT)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    (found,) = out.glob("backcoach-*.whl")
    return found


def test_wheel_contains_the_catalogue(wheel: Path) -> None:
    import zipfile

    names = zipfile.ZipFile(wheel).namelist()
    assert "backcoach/data/exercises.yaml" in names


def test_installed_wheel_finds_its_bundled_catalogue(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(target)
    bindir = target / ("Scripts" if os.name == "nt" else "bin")
    python = bindir / "python"
    # The new venv borrows this environment's dependencies (a plain path, so the
    # editable install's .pth is not processed), then gets the wheel itself.
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    Path(purelib, "borrowed-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--quiet",
         str(wheel)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    env = {k: v for k, v in os.environ.items() if not k.startswith("BACKCOACH_")}
    env["BACKCOACH_HOME"] = str(tmp_path / "home")
    where = subprocess.run(
        [str(python), "-c",
         "from backcoach.catalogue.loader import bundled_path; print(bundled_path())"],
        check=True, capture_output=True, text=True, env=env, cwd=tmp_path,
    ).stdout.strip()  # fmt: skip
    assert Path(where).is_relative_to(purelib), where
    listed = subprocess.run(
        [str(bindir / "backcoach"), "list", "--json"],
        check=True, capture_output=True, text=True, env=env, cwd=tmp_path,
    )  # fmt: skip
    assert len(json.loads(listed.stdout)) >= 30
    shown = subprocess.run(
        [str(bindir / "backcoach"), "show", "bird-dog"],
        check=True, capture_output=True, text=True, env=env, cwd=tmp_path,
    )  # fmt: skip
    assert "Bird-dog" in shown.stdout
