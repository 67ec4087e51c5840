"""Figures tests measure and report in the closing note of the run (conftest's terminal summary)."""

from __future__ import annotations

NOTES: list[str] = []
