"""What happened to a file, an import and a batch: one vocabulary (the values the CLI prints as JSON)."""

from enum import StrEnum


class ImportStatus(StrEnum):
    """One partner file through the pipeline."""
    CHECKED = "checked"              # valid; nothing stored (validator mode)
    REFUSED = "refused"              # at least one error: nothing stored
    NEEDS_CHOICE = "needs_choice"    # values already stored: replace or keep?
    IMPORTED = "imported"


class FileStatus(StrEnum):
    """One file of a folder of official files."""
    IMPORTED = "imported"
    ALREADY_IMPORTED = "already_imported"
    IGNORED = "ignored"              # no kind of file recognised it
    FAILED = "failed"

    @property
    def label(self) -> str:
        return {"imported": "importé", "already_imported": "déjà importé", "ignored": "ignoré",
                "failed": "erreur"}[self.value]


class BatchStatus(StrEnum):
    """An import batch, as stored in the workspace (`import_batch.status`)."""
    IMPORTED = "imported"
    UNDONE = "undone"
