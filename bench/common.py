"""Shared by the benchmarks: cached demo workspaces (bench/.cache/) and peak memory."""

from __future__ import annotations

import resource
import sys
from pathlib import Path

CACHE = Path(__file__).resolve().parent / ".cache"


def demo_db(scale: str = "national", path: Path | None = None) -> Path:
    """`path` when given, else the cached demo of that scale (built on first use)."""
    if path:
        return path
    target = CACHE / f"{scale}.duckdb"
    if not target.exists():
        from dq_core.demo import build_demo

        print(f"Construction de la base de démonstration {scale}…", flush=True)
        build_demo(target, scale=scale)
    return target


def peak_rss_mb() -> float:
    """Peak resident memory of this process. On Linux, VmHWM: ru_maxrss keeps the peak of the parent
    a child was forked from (here, the process that generated the test file)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    usage = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return usage / 1024 if sys.platform != "darwin" else usage / 1024 / 1024   # KB on Linux, B on macOS
