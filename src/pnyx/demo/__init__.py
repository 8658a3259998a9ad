"""Demo content for `make run`: the seed politics thread, created through the domain functions."""
