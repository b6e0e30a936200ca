"""Build hook: the package's dependencies are the pins of requirements.txt (one list, not two)."""

from pathlib import Path

from hatchling.metadata.plugin.interface import MetadataHookInterface


def pinned_requirements(path: Path) -> list[str]:
    """`name==version` lines of a requirements file, without comments or blank lines."""
    lines = (line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line]


class CustomMetadataHook(MetadataHookInterface):
    def update(self, metadata: dict) -> None:
        metadata["dependencies"] = pinned_requirements(Path(self.root) / "requirements.txt")
