"""Reading the bytes people have: sources, encodings, delimiters, French numbers and periods, tables."""
