"""Widgets bound to the URL: every view is a link, and a link's unknown values are said and ignored.

A page declares one `UrlState` per bound widget (its session key, its query parameter, the values a
link may carry), calls `bind(...)` before drawing the widgets, gives each widget `on_change=s.write`,
and calls `write(...)` after them so that the URL always says what is shown.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

import streamlit as st

from dq_core import fmt, french
from ui.render.text import plain

LINK_OFF = ":material/link_off:"
# A link's parameters are short (a code, a list of 50 indicator ids fits in 2 000 characters); a longer
# one is someone's mistake or trap and would take seconds to parse and draw: dropped before anyone reads it.
MAX_PARAM_LENGTH = 2_000
MAX_PARAM_NAME = 40
MAX_PARAMS = 30


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _same(text: str) -> object:
    return text


@dataclass(frozen=True)
class UrlState:
    """A widget's value kept in `st.session_state[key]` and in the URL as `?param=…`.

    `valid`: the texts a link may carry; `many`: a comma-separated list (a multiselect), else one value;
    `limit`: at most this many list items taken from a link; `options`: values the state may keep when
    narrower than `valid` (others are dropped, a single value falls back on `default`); `parse` / `dump`:
    URL text → state value and back (default: the text itself; lists are joined with commas);
    `kind`: the noun that reports unknown values (« Valeurs inconnues… »), None to drop them unsaid.
    """
    key: str
    param: str
    valid: Collection[str]
    default: object = None
    many: bool = False
    limit: int | None = None
    options: Collection[str] | None = None
    parse: Callable[[str], object] = _same
    dump: Callable[[object], str | None] | None = None
    kind: french.Noun | None = french.Noun("valeur", feminine=True)

    def from_url(self) -> tuple[object | None, list[str]]:
        """(value, rejected texts); value is None when the URL does not carry the parameter (an empty
        list parameter is an empty selection, an empty single one is no value)."""
        raw = st.query_params.get(self.param)
        if self.many:
            if raw is None:
                return None, []
            items = [x.strip() for x in raw.split(",") if x.strip()]
            good = list(dict.fromkeys(x for x in items if x in self.valid))
            return good[:self.limit] if self.limit is not None else good, [x for x in items if x not in self.valid]
        if raw is None or raw == "":
            return None, []
        raw = raw.strip()
        return (self.parse(raw), []) if raw in self.valid else (None, [raw])

    def seed(self) -> list[str]:
        """Before the widget is drawn: a value from the URL (a shared link, the back button) wins over
        the session's; without one the session keeps its value, else the default. Returns the rejected."""
        value, rejected = self.from_url()
        if value is not None:
            if st.session_state.get(self.key) != value:
                st.session_state[self.key] = value
        elif self.key not in st.session_state:
            st.session_state[self.key] = self.default
        if self.options is not None:
            self.narrow(self.options)
        return rejected

    def narrow(self, options: Collection[str]) -> None:
        """Options can disappear (a deleted group, another quartier chosen): drop them from the state."""
        value = st.session_state.get(self.key)
        if isinstance(value, list):
            kept = [v for v in value if v in options]
            if kept != value:
                st.session_state[self.key] = kept
        elif value is not None and value not in options:
            st.session_state[self.key] = self.default

    @property
    def value(self):
        return st.session_state.get(self.key)

    def text(self) -> str | None:
        """The state as the URL writes it (None: the parameter is left out)."""
        if self.dump is not None:
            return self.dump(self.value)
        if self.many:
            return ",".join(self.value) if self.value else None
        return _text(self.value)

    def write(self) -> None:
        """Put the state into the URL; also the widget's `on_change` (before the rerun reads the URL)."""
        _write_param(self.param, self.text())

    def clear(self) -> None:
        """Take the parameter out of the URL (the widget is not shown)."""
        _write_param(self.param, None)


def bind(*states: UrlState) -> None:
    """Seed every state (URL → session → default), then say which values of the link were ignored:
    one message per `kind`, in the order the states are given."""
    rejected: dict[str, list[str]] = {}
    for state in states:
        bad = state.seed()
        if state.kind is not None:
            rejected.setdefault(state.kind, []).extend(bad)
    for kind, values in rejected.items():
        say_rejected(kind, values)


def write(*states: UrlState) -> None:
    """After the widgets are drawn: the URL says what is shown (the first run of a page included)."""
    for state in states:
        state.write()


def limit_params() -> None:
    """First thing of every run (app.py): drop the parameters a link has too many of or too long, and say so."""
    dropped: list[str] = []
    for number, name in enumerate(list(st.query_params.keys())):
        values = st.query_params.get_all(name)
        if number >= MAX_PARAMS or len(name) > MAX_PARAM_NAME or any(len(v) > MAX_PARAM_LENGTH for v in values):
            dropped.append(name if len(name) <= MAX_PARAM_NAME else name[:MAX_PARAM_NAME] + "…")
            del st.query_params[name]
    if dropped:
        names = ", ".join(f"« {plain(name)} »" for name in dropped[:5]) + (" …" if len(dropped) > 5 else "")
        st.warning(f"Lien trop long : {'le paramètre' if len(dropped) == 1 else 'les paramètres'} {names} "
                   f"{'a été ignoré' if len(dropped) == 1 else 'ont été ignorés'} (au plus "
                   f"{fmt.number(MAX_PARAM_LENGTH, 0)} caractères chacun, {MAX_PARAMS} paramètres). Vérifiez le lien "
                   "reçu.", icon=LINK_OFF)


def say_rejected(kind: french.Noun, values: list[str]) -> None:
    if values:
        n = len(values)
        st.info(f"{french.capitalised(kind.form(n))} {kind.adjective('inconnu', n)} dans le lien, "
                f"{kind.adjective('ignoré', n)} : {plain(', '.join(values))}.", icon=LINK_OFF)


def _write_param(param: str, text: str | None) -> None:
    if not text:
        if param in st.query_params:
            del st.query_params[param]
    elif st.query_params.get(param) != text:
        st.query_params[param] = text
