"""Addresses → quartier on the laptop: the address base indexed in the workspace, a user's list matched
against it in memory, each point assigned to its quartier, and only counts shared."""
