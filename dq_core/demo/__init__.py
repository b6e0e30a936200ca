"""The fictional demo workspace: deterministic territories, maps and observations (`build_demo`)."""

from dq_core.demo.build import Demo, build_demo, generate
from dq_core.demo.scale import NOTE_C2S, SCALES

__all__ = ["NOTE_C2S", "SCALES", "Demo", "build_demo", "generate"]
