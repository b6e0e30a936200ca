"""Data & Quartiers core: storage, indicators, privacy, exports and CLI — no Streamlit here."""

from dq_core.errors import DQError

__all__ = ["DQError"]
__version__ = "0.1.0"
