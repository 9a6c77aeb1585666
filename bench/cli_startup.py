"""How fast `animate-em --help` and `animate-em render --help` answer, from a cold process.

Run by hand from the repository root::

    .venv/bin/python bench/cli_startup.py [--runs 10]

Each command is started ``--runs`` times as a new process (the installed
console script of this venv); the median wall-clock time is printed against
the target (0.15 s) and against ``python -c pass`` and ``python -c "import
click"`` measured in the same run, so a busy machine shows as a slow
baseline rather than as a slow animate-em. It also checks that neither help
imports NumPy or matplotlib (``-X importtime``), the cause of a slow help.

The commands run with byte-code caching on, as a pip-installed package does
(PYTHONDONTWRITEBYTECODE is removed from their environment: with it set, as
on this development machine, every start compiles the package's modules
again and --help takes about 0.06 s longer).
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

TARGET = 0.15
SCRIPT = str(Path(sys.executable).with_name("animate-em"))
#: Children run as an installed package does: with byte-code caching (pip compiles on install),
#: whatever PYTHONDONTWRITEBYTECODE the shell running the bench has set.
ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}


def median_seconds(command: list[str], runs: int) -> tuple[float, float]:
    """Median wall-clock and median CPU (user + system) seconds of `runs` cold starts."""
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, env=ENV)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def heavy_imports(args: list[str]) -> list[str]:
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "animate_em", *args],
                          capture_output=True, text=True, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    names = {line.split("|")[-1].strip() for line in done.stderr.splitlines() if "|" in line}
    return sorted(name for name in names if name.split(".")[0] in ("numpy", "matplotlib"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="cold starts per command (median taken)")
    runs = parser.parse_args().runs
    baselines = {"python -c pass": [sys.executable, "-c", "pass"],
                 "python -c 'import click'": [sys.executable, "-c", "import click"]}
    commands = {"animate-em --help": [SCRIPT, "--help"], "animate-em render --help": [SCRIPT, "render", "--help"]}
    for command in commands.values():     # warm the file cache and byte-code once, untimed
        subprocess.run(command, stdout=subprocess.DEVNULL, check=True, env=ENV)
    base = {name: median_seconds(cmd, runs) for name, cmd in baselines.items()}
    print(f"median of {runs} cold runs; target {TARGET:.2f} s wall-clock "
          f"(CPU = user + system time of the process: what a busy machine does not inflate)")
    for name, (wall, cpu) in base.items():
        print(f"  {name:<28} {wall:6.3f} s wall  {cpu:6.3f} s CPU   (baseline)")
    ok = True
    python_wall, python_cpu = base["python -c pass"]
    for name, command in commands.items():
        wall, cpu = median_seconds(command, runs)
        heavy = heavy_imports(command[1:])
        verdict = "PASS" if wall < TARGET and not heavy else "FAIL"
        ok &= verdict == "PASS"
        print(f"  {name:<28} {wall:6.3f} s wall  {cpu:6.3f} s CPU   {wall / TARGET:4.2f}x target; "
              f"{wall / python_wall:4.1f}x python -c pass (+{wall - python_wall:.3f} s wall, "
              f"+{cpu - python_cpu:.3f} s CPU)   {verdict}"
              + (f"  (imports {', '.join(heavy[:3])}...)" if heavy else ""))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
