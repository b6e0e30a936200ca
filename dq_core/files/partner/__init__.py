"""What partners' files need from the user: layouts and mappings, new indicators, the template, points."""
