"""Streamlit glue shared by the pages: the open workspace, cached core calls, shared widgets."""
