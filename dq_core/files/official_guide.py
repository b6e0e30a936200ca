"""Which official files to download, and from which producer's page (shown, never fetched)."""

from __future__ import annotations

from dataclasses import dataclass

INSEE_QPV_2015 = "https://www.insee.fr/fr/statistiques/2500477"
ANCT_QPV = "https://www.data.gouv.fr/fr/datasets/quartiers-prioritaires-de-la-politique-de-la-ville-qpv/"
INSEE_QPV_2024 = "https://www.insee.fr/fr/statistiques/8186144"
INSEE_FILOSOFI = "https://www.insee.fr/fr/metadonnees/source/serie/s1172"
CAF_DATA = "https://data.caf.fr/"
BAN = "https://adresse.data.gouv.fr/data/ban/adresses/latest/csv/"
ENEDIS = "https://data.enedis.fr/"
ODRE = "https://odre.opendatasoft.com/"
METEO_FRANCE = "https://meteo.data.gouv.fr/"
DJU_CALCULATOR = "https://cegibat.grdf.fr/"

# Kinds whose files come from a partner, not from a producer's page: where the user gets them instead.
NOT_DOWNLOADED = {"residences_energie": "fichier de votre bailleur ou distributeur : modèle sur la page Importer"}


@dataclass(frozen=True)
class Download:
    """One kind of official file: what it holds, who publishes it, where, and how its files are named."""
    what: str
    producer: str
    page: str
    files: str
    kinds: tuple[str, ...]           # the `files.kinds` names that recognise these files


DOWNLOADS: tuple[Download, ...] = (
    Download("Liste des quartiers 2024 et de leurs communes", "ANCT, sur data.gouv.fr", ANCT_QPV,
             "listeqp2024-cog2024.csv", ("qpv_liste",)),
    Download("Contours des quartiers 2024 (pour la carte)", "ANCT, sur data.gouv.fr", ANCT_QPV,
             "qpv-2024-geojson.zip (GeoJSON ; le zip s'importe tel quel)", ("qpv_contours_geojson",)),
    Download("Correspondance entre quartiers 2024 et 2015 (pour prolonger les séries)", "ANCT, sur data.gouv.fr",
             ANCT_QPV, "liste-correspondance-qp2024-qp2015.csv", ("anct_correspondance",)),
    Download("Contours des quartiers 2015", "ANCT, sur data.gouv.fr", ANCT_QPV,
             "qp-politiquedelaville-shp.zip (shapefile, zippé ou non) ou un GeoJSON",
             ("qpv_contours_shapefile", "qpv_contours_geojson")),
    Download("Chiffres par quartier 2015 : démographie, insertion professionnelle, revenus", "Insee",
             INSEE_QPV_2015, "rubrique « Données par thématique » : DEMO_2022, IPRO_2022, REVN_2022… "
             "(CSV ou Excel, éditions 2017 à 2022 ; chaque édition ajoute ses années)", ("insee_thematique",)),
    Download("Revenus par quartier 2015, par année de données (Filosofi)", "Insee", INSEE_QPV_2015,
             "rubrique « Données par source » : data_filo16_qp_revdis.csv… (variables DISP_MED_A18…)",
             ("insee_par_source",)),
    Download("Chiffres par quartier 2024 (revenus, population, emploi, Caf, scolarité, logement social)", "Insee",
             INSEE_QPV_2024, "revenu-disponible-qp24-2021_QP.csv et les autres bases « QP24 » (CSV)",
             ("insee_par_source",)),
    Download("Revenus des communes, EPCI, départements, régions et France métropolitaine (références)",
             "Insee (Filosofi)", INSEE_FILOSOFI, "FILO2019_DISP_COM.csv, …_EPCI, …_DEP, …_REG, …_METROPOLE",
             ("insee_filosofi_disp",)),
    Download("Allocataires de la Caf par IRIS (références des communes)", "Cnaf", CAF_DATA,
             "data_CAF_2020_IRIS.csv (l'année dans le nom du fichier)", ("caf_iris",)),
    Download("Base Adresse Nationale de vos départements (page « Adresses »)", "IGN et DINUM, sur "
             "adresse.data.gouv.fr", BAN, "adresses-35.csv.gz (un fichier par département, tel quel)",
             ("ban_adresses",)),
    Download("Consommation d'électricité résidentielle par adresse (page « Énergie » ; la BAN des départements "
             "concernés doit être indexée)", "Enedis, données ouvertes", ENEDIS,
             "jeu « Consommation annuelle résidentielle par adresse » (CSV, séparateur « ; »)", ("enedis_adresses",)),
    Download("Températures quotidiennes régionales (degrés-jours calculés par l'application)", "ODRE (RTE)", ODRE,
             "jeu « Température quotidienne régionale » (CSV)", ("odre_temperatures",)),
    Download("Températures quotidiennes d'une station (degrés-jours de la station)", "Météo-France, sur "
             "meteo.data.gouv.fr", METEO_FRANCE, "fichiers quotidiens Q_<département>_…_RR-T-Vent.csv.gz (les "
             "fichiers mensuels MENSQ ne suffisent pas : ils sont reconnus et expliqués)",
             ("meteofrance_quotidien", "meteofrance_mensq")),
    Download("Degrés-jours d'une station déjà calculés", "calculateur de degrés-jours en ligne (par exemple celui "
             "de GRDF Cegibat)", DJU_CALCULATOR, "fichier « Export DJU » (CSV ou Excel), chauffage, base 18 °C",
             ("dju_export",)),
)



def by_page() -> list[tuple[str, str, list[Download]]]:
    """(page, producer, downloads) for each producer's page, in the order of `DOWNLOADS`."""
    pages: dict[str, tuple[str, list[Download]]] = {}
    for download in DOWNLOADS:
        pages.setdefault(download.page, (download.producer, []))[1].append(download)
    return [(page, producer, downloads) for page, (producer, downloads) in pages.items()]


ADVICE = ("Rangez les fichiers téléchargés dans un même dossier (les archives zip peuvent rester zippées), puis "
          "indiquez ce dossier ci-dessous : chaque fichier est reconnu d'après son contenu, quel que soit son nom. "
          "L'application ne se connecte à aucun de ces sites : ouvrez les adresses dans votre navigateur.")
