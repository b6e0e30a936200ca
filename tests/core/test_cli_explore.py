"""The explore commands of the CLI: groups, series and similar quartiers, in French, same figures."""

import json

import pytest

from dq_core.cli import main


def test_groups_from_the_command_line(tiny_db, capsys):
    assert main(["groupe-creer", "Deux quartiers", "QNX0101M", "QNX0102I", "--db", str(tiny_db)]) == 0
    assert "GRP0001" in capsys.readouterr().out
    assert main(["groupes", "--json", "--db", str(tiny_db)]) == 0
    assert json.loads(capsys.readouterr().out) == {"code": "GRP0001", "name": "Deux quartiers",
                                                   "members": ["QNX0101M", "QNX0102I"], "vintage": 2024}
    assert main(["groupe-creer", "Seul", "QNX0101M", "--db", str(tiny_db)]) == 1
    assert "au moins 2 quartiers" in capsys.readouterr().err
    assert main(["groupe-supprimer", "grp0001", "--db", str(tiny_db)]) == 0
    assert main(["groupes", "--db", str(tiny_db)]) == 0
    assert capsys.readouterr().out.strip().endswith("supprimé.")


def test_evolution_table_with_a_group_and_secret_cells(tiny_db, capsys):
    main(["groupe-creer", "G", "QNX0101M", "QNX0102I", "--db", str(tiny_db)])
    capsys.readouterr()
    assert main(["evolution", "QNX0101M", "QNX0103N", "--indicateurs", "taux_pauvrete", "--references", "commune",
                 "--groupes", "GRP0001", "--db", str(tiny_db)]) == 0
    out = capsys.readouterr().out
    assert "Période\tLes Tilleuls\tPetit Quartier\tCommune : Villeneuve-Test\tCommune : Bourg-Test\tGroupe : G" in out
    assert "2021\t46,0\ts\t18,9\t–\t43,6" in out
    assert main(["evolution", "QNX0101M", "--indicateurs", "taux_pauvrete", "--base100", "--json",
                 "--db", str(tiny_db)]) == 0
    table = json.loads(capsys.readouterr().out)
    assert table["unit"] == "indice base 100 en 2016" and table["rows"][-1]["Les Tilleuls"] == 115.0
    assert main(["evolution", "QNX0101M", "--indicateurs", "nope", "--db", str(tiny_db)]) == 1
    assert "Indicateur inconnu" in capsys.readouterr().err


def test_similar_quartiers_from_the_command_line(compare_db, capsys):
    db_path = compare_db
    assert main(["similaires", "QC03", "-k", "2", "--json", "--db", str(db_path)]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["code"] for line in lines] == ["QC07", lines[1]["code"]] and len(lines) == 2
    assert main(["similaires", "QP01", "-k", "20", "--db", str(db_path)]) == 0
    assert capsys.readouterr().out.count("\n") == 1            # alone in the 2015 geography but one
    assert main(["similaires", "QP01", "-k", "20", "--toutes-geographies", "--db", str(db_path)]) == 0
    assert capsys.readouterr().out.count("\n") == 13



def test_evolution_refuses_more_indicators_than_the_page_allows(tiny_db, capsys, monkeypatch):
    from dq_core.explore import evolution
    from dq_core.store import workspace
    from dq_core.store.catalogue import load_indicators
    with workspace.open_cursor(str(tiny_db)) as cur:
        ids = [i.id for i in load_indicators(cur)]
    assert len(ids) >= 3
    monkeypatch.setattr(evolution, "MAX_INDICATORS", len(ids) - 1)   # the tiny catalogue is small
    assert main(["evolution", "QNX0101M", "--indicateurs", ",".join(ids), "--db", str(tiny_db)]) == 1
    captured = capsys.readouterr()
    assert f"Trop d'indicateurs : {len(ids)} demandés, {len(ids) - 1} au plus" in captured.err
    assert captured.out == ""
    assert main(["evolution", "QNX0101M", "--indicateurs", ",".join(ids[:-1]), "--db", str(tiny_db)]) == 0
    assert capsys.readouterr().out.count("Période\t") == len(ids) - 1


@pytest.mark.parametrize(("argv", "said"), [
    (["profile"], "Erreur : argument obligatoire manquant : CODE"),
    (["locate"], "Erreur : arguments obligatoires manquants : FICHIER, --out"),
    (["quartiers", "--bogus"], "Erreur : argument non reconnu : --bogus"),
    (["quartiers", "--bogus", "--autre"], "Erreur : arguments non reconnus : --bogus --autre"),
    (["undo", "abc"], "Erreur : NUMERO : valeur invalide : 'abc'"),
    (["evolution", "X", "--base100=3"], "Erreur : --base100 : cette option ne prend pas de valeur ('3' donné)"),
    (["export", "--commune"], "Erreur : --commune : une valeur est attendue"),
])
def test_argument_errors_are_said_in_plain_french(argv, said, capsys):
    """Before: « argument(s) obligatoire(s) manquant(s) », « argument NUMERO: invalid int value: 'abc' »."""
    with pytest.raises(SystemExit) as exited:
        main(argv)
    err = capsys.readouterr().err
    assert exited.value.code == 2 and said in err, err
    assert "(s)" not in err and " value" not in err and "ignored" not in err and "expected" not in err
