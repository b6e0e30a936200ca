"""Kept for pages/exporter.py, edited on another branch: `plain` now lives in `ui.render.text`."""

from ui.render.text import plain  # noqa: F401
