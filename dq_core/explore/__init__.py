"""What a page shows: fiche, evolution, comparisons, maps, groups and dossier texts."""
