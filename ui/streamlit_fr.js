// Streamlit's own interface strings in French. Streamlit 1.67 has no locale option (no parameter
// either for the file uploader, the table and chart toolbars or aria-labels), so this rewrites,
// in place and as the page changes, the exact English strings its frontend writes.
(() => {
  if (window.__dqFrench) return;
  window.__dqFrench = true;

  const EXACT = {
    "Select all": "Tout sélectionner",
    "Browse files": "Parcourir…",
    "Upload": "Parcourir…",
    "Add files": "Ajouter des fichiers",
    "Upload directories": "Choisir des dossiers",
    "Drag and drop file here": "Glissez-déposez un fichier ici",
    "Drag and drop a file here": "Glissez-déposez un fichier ici",
    "Drag and drop files here": "Glissez-déposez des fichiers ici",
    "Drag and drop directories here": "Glissez-déposez des dossiers ici",
    "file upload": "envoi de fichier",
    "Choose an option": "Choisissez",
    "Choose options": "Choisissez",
    "No results": "Aucun résultat",
    "No options to select": "Aucun choix possible",
    "Open": "Ouvrir la liste",
    "Close": "Fermer",
    "Clear all": "Tout retirer",
    "Clear value": "Effacer",
    "Selected values": "Valeurs choisies",
    "Show/hide columns": "Afficher ou masquer des colonnes",
    "Download as CSV": "Télécharger en CSV",
    "Add row": "Ajouter une ligne",           // st.data_editor (the price table of the page Énergie)
    "Delete row(s)": "Supprimer la ou les lignes",
    "Search": "Rechercher",
    "Close Search": "Fermer la recherche",
    "Previous Result": "Résultat précédent",
    "Next Result": "Résultat suivant",
    "Fullscreen": "Plein écran",
    "Close fullscreen": "Quitter le plein écran",
    "Exit fullscreen": "Quitter le plein écran",
    "Show data": "Voir les données",
    "Download as PNG": "Télécharger en PNG",
    "Download as SVG": "Télécharger en SVG",
    "Copy Vega-Lite spec": "Copier la description du graphique",
    "Dataframe column menu": "Menu de la colonne",
    "Copy column name": "Copier le nom de la colonne",
    "Sort ascending": "Tri croissant",
    "Sort descending": "Tri décroissant",
    "Pin column": "Épingler la colonne",
    "Unpin column": "Désépingler la colonne",
    "Hide column": "Masquer la colonne",
    "Autosize": "Largeur automatique",
    "Format": "Format",
    "Copy to clipboard": "Copier",
    "Copied to clipboard": "Copié",
    "Link to heading": "Lien vers ce titre",
    "App pages": "Pages de l'application",
    "Main menu": "Menu principal",
    "Sidebar": "Menu latéral",
    "Collapse sidebar": "Replier le menu",
    "Expand sidebar": "Déplier le menu",
    "Navigate to home page": "Aller à l'accueil",
    "View more": "Voir plus",
    "View less": "Voir moins",
    "Running...": "Calcul en cours…",
    "Stop script": "Arrêter",
    "Notifications": "Notifications",
    "Button action menu": "Actions",
    "Scroll tabs left": "Onglets précédents",
    "Scroll tabs right": "Onglets suivants",
    "Increment": "Augmenter",
    "Decrement": "Diminuer",
    "Skip to main content": "Aller au contenu",
    "Vega visualization": "Graphique",
    "Dismiss": "Fermer",
    // the table's column menu and its summaries
    "Clear selection": "Effacer la sélection",
    "No data": "Aucune donnée",
    "No content": "Vide",
    "Rename": "Renommer",
    "Count": "Nombre",
    "Range": "Étendue",
    "Values": "Valeurs",
    "Distinct": "Distinctes",
    "Average": "Moyenne",
    "Sum": "Somme",
    "Minimum": "Minimum",
    "Maximum": "Maximum",
    "Median": "Médiane",
    "Standard deviation": "Écart-type",
    "Automatic": "Automatique",
    "Localized": "Localisé",
    "Plain": "Brut",
    "Percent": "Pourcentage",
    "Scientific": "Scientifique",
    "Accounting": "Comptable",
    "Compact": "Compact",
    "Calendar": "Calendrier",
    "Duration": "Durée",
    "Based on sample": "D'après un échantillon",
    "Top values frequency chart": "Valeurs les plus fréquentes",
    "Distribution histogram": "Histogramme",
    "True/false distribution chart": "Répartition vrai / faux",
    "No options available.": "Aucun choix possible.",
    // a link to a page that does not exist (a typo, a cut link)
    "Page not found": "Page introuvable",
    "The page that you have requested does not seem to exist. Running the app's main page.":
      "La page demandée n'existe pas (lien mal copié ?) : voici l'accueil de l'application.",
  };
  const SIZE_UNITS = { B: "o", KB: "Ko", MB: "Mo", GB: "Go", TB: "To" };
  const frenchSize = (n, u) => `${n.replace(".", ",")}\u00a0${SIZE_UNITS[u]}`;
  const PATTERNS = [
    [/^Help for (.+)$/s, (m, x) => `Aide : ${x}`],
    [/^Remove (.+)$/s, (m, x) => `Retirer ${x}`],
    [/^Select (\d+) matches$/, (m, n) => `Sélectionner les ${n} résultats`],
    [/^Add: (.+)$/s, (m, x) => `Ajouter : ${x}`],
    [/^Upload (.+)$/s, (m, x) => `Choisir ${x === "file" ? "un fichier" : "des fichiers"}`],
    [/^Fullscreen: (.+)$/s, (m, x) => `Plein écran : ${x}`],
    [/^(\d+(?:\.\d+)?)(B|KB|MB|GB|TB) per file$/, (m, n, u) => `Jusqu’à ${frenchSize(n, u)} par fichier`],
    [/^(\d+(?:\.\d+)?)(B|KB|MB|GB|TB)$/, (m, n, u) => frenchSize(n, u)],
    [/^(.+), (\d+(?:\.\d+)?)(B|KB|MB|GB|TB)$/s, (m, name, n, u) => `${name}, ${frenchSize(n, u)}`],
    [/^File is too large\. Maximum size is (\d+) bytes\.$/, (m, n) => `Fichier trop lourd (au plus ${n} octets).`],
    [/^File type not allowed\.$/, () => "Type de fichier refusé."],
    [/^1 option available\.$/, () => "1 choix possible."],
    [/^(\d+) options available\.$/, (m, n) => `${n} choix possibles.`],
    [/^[a-z_]+ icon$/, () => ""],          // the spoken name of a Material icon: the button says it all
  ];
  const ATTRIBUTES = ["aria-label", "title", "placeholder", "alt", "aria-description"];

  function french(text) {
    const core = text.trim();
    if (!core) return null;
    let out = EXACT[core];
    if (out === undefined) {
      for (const [re, fn] of PATTERNS) {
        const m = core.match(re);
        if (m) { out = fn(...m); break; }
      }
    }
    return out === undefined || out === core ? null : text.replace(core, out);
  }

  function fixText(node) {
    const out = french(node.nodeValue);
    if (out !== null) node.nodeValue = out;
  }

  function fixAttributes(el) {
    for (const a of ATTRIBUTES) {
      const v = el.getAttribute(a);
      if (v) {
        const out = french(v);
        if (out !== null) el.setAttribute(a, out);
      }
    }
  }

  function fixTree(root) {
    if (root.nodeType === Node.TEXT_NODE) return fixText(root);
    if (root.nodeType !== Node.ELEMENT_NODE) return;
    fixAttributes(root);
    for (const el of root.querySelectorAll("*")) fixAttributes(el);
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) fixText(n);
  }

  new MutationObserver((mutations) => {
    for (const m of mutations) {
      if (m.type === "characterData") fixText(m.target);
      else if (m.type === "attributes") fixAttributes(m.target);
      else m.addedNodes.forEach(fixTree);
    }
  }).observe(document.documentElement, {
    subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ATTRIBUTES,
  });
  fixTree(document.body);
})();
