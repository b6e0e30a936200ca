"""Demo workspaces for the benchmarks, built once in bench/.cache/ and reused."""

from __future__ import annotations

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
