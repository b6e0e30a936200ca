"""The fictional demo workspace: deterministic territories, maps and observations (`build_demo`)."""

from dq_core.demo.model import NOTE_C2S, SCALES, Demo, build_demo, generate

__all__ = ["NOTE_C2S", "SCALES", "Demo", "build_demo", "generate"]
