"""« Texte pour un dossier »: the sentences state the fiche's numbers, in correct French."""

from __future__ import annotations

import re

import pytest

from dq_core import fmt
from dq_core.explore.fiche import Fiche, build_fiche
from dq_core.explore.texts import HEAD_NOUNS, citation, dossier_text, gap, noun, points, ratio_band
from dq_core.store import db
from dq_core.store.catalogue import DEMO_CATALOGUE

NUMBER = r"[−+-]?\d{1,3}(?:[\u202f\u00a0 ]\d{3})*(?:,\d+)?"
# Every wording of a ratio, longest first (the regex takes the first that matches).
BANDS = "|".join(sorted({re.escape(ratio_band(r / 100)[0]) for r in range(1, 400)} | {r"environ \d+ fois"},
                        key=len, reverse=True))


def parse_number(text: str) -> float:
    return float(text.replace("\u202f", "").replace("\u00a0", "").replace(" ", "")
                 .replace(",", ".").replace("−", "-"))


def parse_sentence(text: str) -> dict:
    """Read a sentence back: the figures it states, where it states them."""
    found: dict = {}
    head = re.match(r"(?:En|Au) (.+?), ", text)
    found["period"] = head.group(1) if head else None
    value = re.search(rf"(?:, |est de |compte )({NUMBER})", text[head.end() - 2:] if head else text)
    found["value"] = parse_number(value.group(1)) if value else None
    comparison = re.search(rf"soit ({BANDS}|du même ordre que|un peu au-dessus|un peu en dessous|"
                           rf"nettement au-dessus|nettement en dessous) .*? (?:de la commune|de l'agglomération|"
                           rf"du département|de la France|de l'ensemble des quartiers prioritaires|de la région) "
                           rf"\(({NUMBER})", text)
    if comparison:
        found["band"] = comparison.group(1)
        found["reference"] = parse_number(comparison.group(2))
    trend = re.search(rf"a (augmenté|baissé) de ({NUMBER})(?:[\u00a0 ](points?|[^ ]+))?.*? en cinq ans "
                      rf"\(({NUMBER})", text)
    if trend:
        sign = 1 if trend.group(1) == "augmenté" else -1
        found["change"] = sign * parse_number(trend.group(2))
        found["points_word"] = trend.group(3)
        found["earlier"] = parse_number(trend.group(4))
    elif "stable en cinq ans" in text:
        found["change"] = 0.0
        found["earlier"] = parse_number(re.search(rf"stable en cinq ans \(({NUMBER})", text).group(1))
    source = re.search(r"\(source : (.+)\)\.$", text)
    found["source"] = source.group(1) if source else None
    return found


def check_sentences_match_fiche(fiche: Fiche) -> int:
    """Every indicator sentence states the fiche's figures; returns how many were checked."""
    text = dossier_text(fiche)
    checked = 0
    for sentence in text.sentences:
        if sentence.indicator_id is None:
            continue
        line = fiche.line(sentence.indicator_id)
        ind, latest = line.indicator, line.latest
        parsed = parse_sentence(sentence.text)
        assert parsed["period"] == fmt.period(latest.period), sentence.text
        assert parsed["value"] == pytest.approx(round(latest.value, ind.decimals)), sentence.text
        assert parsed["source"] == citation(ind, latest.period), sentence.text
        if "reference" in parsed:
            refs = [r for r in line.references.values() if r is not None and r.value is not None
                    and not r.secret]
            ref = next(r for r in refs if round(r.value, ind.decimals) == pytest.approx(parsed["reference"]))
            assert parsed["band"] == gap(latest.value, ref.value, ind.unit, ind.decimals).words, sentence.text
        if line.change_5y is not None:
            assert parsed["change"] == pytest.approx(round(line.change_5y, ind.decimals)), sentence.text
            assert parsed["earlier"] == pytest.approx(round(line.five_years_ago.value, ind.decimals))
            if ind.unit == "%" and parsed["change"]:
                assert parsed["points_word"] == ("point" if abs(parsed["change"]) < 2 else "points")
        else:
            assert "en cinq ans" not in sentence.text, sentence.text
        assert fmt.value(latest.value, ind.unit, ind.decimals) in sentence.text or ind.kind == "count"
        checked += 1
    return checked


def test_poverty_sentence_states_the_fiche_numbers(cur):
    fiche = build_fiche(cur, "QNX0101M")
    text = dossier_text(fiche)
    sentence = next(s.text for s in text.sentences if s.indicator_id == "taux_pauvrete")
    assert sentence == ("En 2021, 46,0\u00a0% des habitants du quartier vivent sous le seuil de pauvreté, "
                        "soit environ 2,5 fois le taux de la commune (18,9\u00a0%, écart de 27,1\u00a0points) ; "
                        "ce taux a augmenté de 6,0\u00a0points en cinq ans (40,0\u00a0% en 2016) "
                        "(source : Insee – DGFiP, Filosofi 2021).")
    assert check_sentences_match_fiche(fiche) == 1


def test_presentation_names_the_quartier_its_commune_and_population(cur):
    text = dossier_text(build_fiche(cur, "QNX0101M"))
    first = text.sentences[0].text
    assert first.startswith("Le quartier prioritaire « Les Tilleuls » (QNX0101M, géographie prioritaire "
                            "2024) est situé à Villeneuve-Test ; il compte 3\u202f050\u00a0habitants en 2021")
    assert first.endswith("(source : Insee, Recensement de la population 2021).")
    assert text.text.startswith("[Démonstration : territoires et chiffres fictifs")
    two = dossier_text(build_fiche(cur, "QNX0102I")).sentences[0].text
    assert "à cheval sur les communes de Villeneuve-Test et de Bourg-Test" in two


def test_secret_value_is_never_stated_only_noted(cur):
    fiche = build_fiche(cur, "QNX0103N")
    text = dossier_text(fiche)
    assert [s.indicator_id for s in text.sentences] == [None]
    assert any("secret statistique" in n and "Taux de pauvreté" in n for n in text.notes)
    assert not re.search(r"\d+,\d", text.text.split("À noter")[0].split("\n\n", 1)[1])


def test_break_blocks_the_trend_and_is_noted(cur):
    fiche = build_fiche(cur, "QNX0101M")
    text = dossier_text(fiche, ["demandeurs_emploi_abc"])
    sentence = text.sentences[1].text
    assert sentence == ("En 2021, le quartier compte 310 demandeurs d'emploi ABC (valeur provisoire) "
                        "(source : France Travail, STMT 2021).")
    assert text.notes == ["Demandeurs d'emploi ABC : série non comparable avant et après 2019 (Changement de "
                          "méthode) ; l'évolution sur cinq ans n'est pas commentée."]


def test_median_and_count_sentences(cur):
    fiche = build_fiche(cur, "QNX0101M")
    text = dossier_text(fiche, ["revenu_median_uc", "pop_totale"])
    median, population = (s.text for s in text.sentences[1:])
    assert "le revenu disponible médian par UC est de 12\u202f500\u00a0€ dans le quartier, soit environ " \
           "les deux tiers de celui de la commune (21\u202f000\u00a0€) ; ce revenu a augmenté de 500\u00a0€ en " \
           "cinq ans (12\u202f000\u00a0€ en 2016)" in median
    assert "cette population a augmenté de 50\u00a0habitants (+1,7\u00a0%) en cinq ans" in population
    assert check_sentences_match_fiche(fiche) >= 1


def test_missing_indicator_is_noted(cur):
    text = dossier_text(build_fiche(cur, "QNX0102I"), ["revenu_median_uc"])
    assert text.notes == ["Revenu disponible médian par UC : pas de donnée pour ce quartier."]


@pytest.mark.parametrize(("ratio", "words"), [
    (0.1, "moins du cinquième"), (0.25, "environ le quart"), (0.33, "environ le tiers"),
    (0.5, "environ la moitié"), (0.7, "environ les deux tiers"), (0.8, "nettement en dessous"), (0.9, "un peu en dessous"),
    (1.0, "du même ordre que"), (1.1, "un peu au-dessus"), (1.3, "nettement au-dessus"),
    (1.5, "environ une fois et demie"), (2.0, "environ le double"), (2.5, "environ 2,5 fois"),
    (3.0, "environ le triple"), (4.2, "environ 4 fois"),
])
def test_ratio_bands(ratio, words):
    assert ratio_band(ratio)[0] == words


def test_french_agreement_of_indicator_labels():
    assert noun("Taux de pauvreté").article == "le taux de pauvreté"
    assert noun("Part des ménages").demonstrative == "cette part"
    assert noun("Indice de jeunesse").article == "l'indice de jeunesse"
    assert noun("Indice de jeunesse").demonstrative == "cet indice"
    assert noun("Médecins généralistes").pronoun == "ceux"
    assert noun("Familles suivies").pronoun == "celles"
    assert noun("Distance domicile-travail médiane").pronoun == "celle"
    assert noun("RSA versé").label == "RSA versé"                # acronyms keep their capitals
    assert points(1.2) == "1,2\u00a0point" and points(2.0) == "2,0\u00a0points"
    assert points(1.96) == "2,0\u00a0points"                     # plural from what is written


def test_every_demo_indicator_head_noun_is_known():
    """Agreement depends on the head noun: every catalogue label must start with a known one."""
    for ind in DEMO_CATALOGUE:
        assert noun(ind.label).head in HEAD_NOUNS, ind.label


def test_feminine_stable_trend_agrees(cur):
    # Le Plateau: poverty 40,0 % every year → "ce taux est resté stable"; a "part" would be "restée".
    text = dossier_text(build_fiche(cur, "QNX0102I"))
    assert "ce taux est resté stable en cinq ans (40,0\u00a0% en 2016)" in text.text
    cur.execute("UPDATE indicator SET label = 'Part des habitants pauvres' WHERE id = 'taux_pauvrete'")
    cur.execute("UPDATE indicator SET id = 'part_pauvres' WHERE id = 'taux_pauvrete'")
    cur.execute("UPDATE observation SET indicator = 'part_pauvres' WHERE indicator = 'taux_pauvrete'")
    db.bump_data_version(cur)                                  # as every write through dq_core does
    text = dossier_text(build_fiche(cur, "QNX0102I"))
    assert "la part des habitants pauvres est de 40,0\u00a0% dans le quartier, soit environ le double " \
           "de celle de la commune (18,9\u00a0%, écart de 21,1\u00a0points) ; cette part est restée stable en cinq ans" in text.text
