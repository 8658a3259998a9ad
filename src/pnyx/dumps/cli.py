"""`pnyx import` and `pnyx export`."""

from __future__ import annotations

import argparse
from typing import Any


def add_commands(commands: Any) -> None:
    """Register the dump subcommands on the `pnyx` parser (filled in by the dumps work)."""
    del commands
    return None


__all__ = ["add_commands", "argparse"]
