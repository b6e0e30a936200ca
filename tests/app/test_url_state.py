"""ui.url: a view's state seeded from the link, then the session, then the default; unknown values said."""

from streamlit.testing.v1 import AppTest


def _view():
    import streamlit as st

    from dq_core import french
    from ui import url

    colours = url.UrlState("colours", "couleurs", ["bleu", "vert", "rouge"], ["bleu"], many=True, limit=2,
                           kind=french.Noun("couleur", feminine=True))
    size = url.UrlState("size", "taille", ["3", "4", "5"], 4, parse=int, options=["3", "4"])
    zoom = url.UrlState("zoom", "cadrage", ["oui"], False, parse=lambda _: True, dump=lambda on: "oui" if on else None,
                        kind=None)
    url.bind(colours, size, zoom)
    st.multiselect("Couleurs", ["bleu", "vert", "rouge"], key="colours", on_change=colours.write)
    st.write(repr((colours.value, size.value, zoom.value)))
    url.write(colours, size, zoom)


def _run(**params) -> AppTest:
    at = AppTest.from_function(_view)
    for name, value in params.items():
        at.query_params[name] = value
    return at.run()


def test_without_a_link_the_defaults_and_a_clean_url():
    at = _run()
    assert at.markdown[0].value == "(['bleu'], 4, False)"
    assert at.query_params["couleurs"] == "bleu" and at.query_params["taille"] == "4"
    assert "cadrage" not in at.query_params and not at.info


def test_a_link_wins_and_its_unknown_values_are_said_by_kind():
    at = _run(couleurs="vert, lune,rouge,bleu", taille="9", cadrage="oui")
    assert at.markdown[0].value == "(['vert', 'rouge'], 4, True)"          # at most two colours
    assert [i.value for i in at.info] == ["Couleur inconnue dans le lien, ignorée : lune.",
                                          "Valeur inconnue dans le lien, ignorée : 9."]


def test_an_empty_list_is_an_empty_choice_and_options_narrow_the_state():
    at = _run(couleurs="", taille="5")                # 5 is valid in a link, not an option of the widget
    assert at.markdown[0].value == "([], 4, False)"
    assert "couleurs" not in at.query_params and not at.info
