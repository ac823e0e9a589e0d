"""Pure-Python optimisation engines (meeting scheduler, matching).

Nothing under this package may import Django or any other part of Bridgehead: the import-linter contract in
``pyproject.toml`` enforces it, so the engines can be run, tested and benchmarked on their own and called
from services and tasks through plain dataclasses.
"""
