"""Clone the bundled catalogue to N exercises (ids and variant links renamed per copy)."""

from __future__ import annotations

import copy as copy_module
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def clone(count: int) -> str:
    source = yaml.safe_load((ROOT / "data" / "exercises.yaml").read_text(encoding="utf-8"))
    base = source["exercises"]
    out = []
    for copy in range(-(-count // len(base))):
        for exercise in base:
            if len(out) == count:
                break
            item = copy_module.deepcopy(exercise)
            if copy:
                suffix = f"-c{copy}"
                item["id"] = exercise["id"] + suffix
                item["name"] = f"{exercise['name']} ({copy})"
                item["aliases"] = [f"{alias} {copy}" for alias in exercise.get("aliases", [])]
                for field in ("easier", "harder"):
                    if field in exercise:
                        item[field] = [ref + suffix for ref in exercise[field]]
            out.append(item)
    # Variant links may point past the cut; drop the ones that do.
    ids = {item["id"] for item in out}
    for item in out:
        for field in ("easier", "harder"):
            if field in item:
                item[field] = [ref for ref in item[field] if ref in ids]
    # The C dumper when PyYAML has it: the pure-Python one takes minutes at 100,000.
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    document = {"version": 1, "exercises": out}
    return yaml.dump(document, Dumper=dumper, allow_unicode=True, sort_keys=False)


if __name__ == "__main__":
    sys.stdout.write(clone(int(sys.argv[1])))
