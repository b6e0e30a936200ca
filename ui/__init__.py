"""Between the pages and dq_core. Streamlit glue: `server` (starts the web server), `state` (the open workspace), `cache` (every
st.cache_* wrapper around dq_core), `frame` (sidebar, errors), `url` (widgets bound to the URL),
`explore` (links between the explore pages), `fiche_exports` / `view_exports` (download buttons).
`render/`: pure builders of HTML, charts and maps, no Streamlit calls."""
