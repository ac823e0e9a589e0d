"""Bridgehead: cooperation between innovation clusters, from agreement to measured outcome."""

__version__ = "0.1.0"
