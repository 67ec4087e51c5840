"""Aggregates computed by the store's SQL engine, shared by every backend (filled below)."""

from __future__ import annotations


class SQLAggregates:
    """Mixin: aggregate queries over the physical stops + observations layout."""

    placeholder = "?"
