"""The HTTP benchmark behind `make bench`: see `benchmarks.run` and docs/benchmarks.md."""
