"""Energy (issue 14): consumption per dwelling of quartiers and residences, climate-corrected, alerts,
energy burden, price scenario and targeting list — computed here for the page « Énergie », the CLI
(`energie`, `energie-alertes`, `energie-scenario`) and the exports alike."""
