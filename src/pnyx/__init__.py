"""Pnyx: a self-hosted question-and-answer network in the line of Stack Exchange."""

__version__ = "0.1.0"
