"""Pure rendering: HTML strings, Altair charts and pydeck decks built from dq_core results, without
calling Streamlit (a test checks that importing them never imports it); the pages display them."""
