"""Where the application's own files are, and where the user's workspaces go.

From a clone (`python tasks.py app`): everything in the clone — app.py beside dq_core/, the demo and the
workspaces in its data/ folder, as always. Installed as a package (`pipx install`, `uv tool install`):
the application's files come with the package (`data_quartiers/`, beside dq_core/ in site-packages) and
are only read; the demo and the workspaces go to the user's data folder (`%LOCALAPPDATA%` on Windows,
`~/Library/Application Support` on macOS, `~/.local/share` on Linux), never inside the package.
"""

from __future__ import annotations

from pathlib import Path

APP_NAME = "data-quartiers"
INSTALLED_FOLDER = "data_quartiers"      # where the wheel puts app.py, pages/, ui/, data/ (pyproject.toml)


def app_dir(beside_core: Path) -> Path:
    """The folder of app.py, pages/, ui/ and data/reference/: the package's own folder when installed,
    else the clone (`beside_core` is the folder that holds dq_core/)."""
    installed = beside_core / INSTALLED_FOLDER
    return installed if (installed / "app.py").is_file() else beside_core


def user_data_dir() -> Path:
    """The user's own data folder for this application (created on first use by whoever writes there)."""
    import platformdirs  # only an installed copy needs it

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


_BESIDE_CORE = Path(__file__).resolve().parents[2]
APP_DIR = app_dir(_BESIDE_CORE)
INSTALLED = APP_DIR != _BESIDE_CORE
# The demo (demo.duckdb) and the user's workspaces (workspaces/).
DATA_DIR = user_data_dir() if INSTALLED else APP_DIR / "data"
