"""Run by bench_addresses.py with a Python that has addok (benchmark only, never a dependency of the app):
index the same address base in addok (Redis on 127.0.0.1), then geocode the same messy list.

    python addok_runner.py STREETS.ndjson QUERIES.txt REDIS_PORT OUT.json
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CONFIG = '''
REDIS = {{"host": "127.0.0.1", "port": {port}, "indexes": {{"db": 0}}, "documents": {{"db": 1}}}}
QUERY_PROCESSORS_PYPATHS = ["addok.helpers.text.check_query_length", "addok_france.extract_address",
                            "addok_france.clean_query", "addok_france.remove_leading_zeros"]
PROCESSORS_PYPATHS = ["addok.helpers.text.tokenize", "addok.helpers.text.normalize", "addok_france.glue_ordinal",
                      "addok_france.fold_ordinal", "addok_france.flag_housenumber", "addok.helpers.text.synonymize",
                      "addok_fr.phonemicize"]
SEARCH_RESULT_PROCESSORS_PYPATHS = ["addok.helpers.results.match_housenumber", "addok_france.make_labels",
                                    "addok.helpers.results.score_by_importance",
                                    "addok.helpers.results.score_by_autocomplete_distance",
                                    "addok.helpers.results.score_by_str_distance",
                                    "addok.helpers.results.score_by_geo_distance",
                                    "addok.helpers.results.adjust_scores"]
BATCH_WORKERS = 1
'''


def main() -> None:
    streets, queries, port, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    config = Path(tempfile.mkdtemp()) / "addok.conf"
    config.write_text(CONFIG.format(port=port))
    env = {**os.environ, "ADDOK_CONFIG_MODULE": str(config)}
    addok = str(Path(sys.executable).with_name("addok"))
    started = time.perf_counter()
    subprocess.run([addok, "batch", streets], env=env, check=True, capture_output=True)
    subprocess.run([addok, "ngrams"], env=env, check=True, capture_output=True)
    indexing = time.perf_counter() - started
    os.environ["ADDOK_CONFIG_MODULE"] = str(config)
    from addok.config import config as addok_config
    addok_config.load()
    from addok.core import search
    lines = Path(queries).read_text(encoding="utf-8").splitlines()
    started = time.perf_counter()
    results = []
    for q in lines:
        found = search(q, limit=1)
        r = found[0] if found else None
        results.append(None if r is None else [float(r.lon), float(r.lat), str(getattr(r, "type", ""))])
    Path(out).write_text(json.dumps({"indexing": indexing, "seconds": time.perf_counter() - started,
                                     "results": results}))


if __name__ == "__main__":
    main()
