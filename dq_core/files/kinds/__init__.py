"""The kinds of files the app reads, each recognised from its content (see `registry`)."""
