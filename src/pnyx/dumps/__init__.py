"""Importing and exporting Stack Exchange data dumps."""
