"""Benchmarks of the dump importer: a synthetic dump generator and the import benchmark."""
