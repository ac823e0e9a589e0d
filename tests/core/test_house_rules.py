"""House rules the linters do not check: a function-level import says why it is not at the top.

Imports inside functions hide a module's dependencies from the reader and from import-linter's layer view
until the function runs. They are allowed only with a reason on the line (or the comment line above the
group): breaking a real import cycle, a heavy optional library loaded only when used, or code that runs
before Django is configured.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "bridgehead"


def _function_imports_without_reason(path: Path, root: Path = SRC.parent) -> list[str]:
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    missing = []
    for function in ast.walk(ast.parse(source)):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for statement in ast.walk(function):
            if not isinstance(statement, ast.Import | ast.ImportFrom):
                continue
            start = statement.lineno - 1
            group = start  # walk up over the consecutive imports of this group
            while group > 0 and lines[group - 1].strip().startswith(("import ", "from ")):
                group -= 1
            has_reason = any("#" in lines[i] for i in range(group, statement.end_lineno)) or (
                group > 0 and lines[group - 1].strip().startswith("#")
            )
            if not has_reason:
                missing.append(f"{path.relative_to(root)}:{statement.lineno}: {lines[start].strip()}")
    return missing


def test_every_function_level_import_gives_its_reason():
    missing = []
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" not in path.parts:
            missing.extend(_function_imports_without_reason(path))
    assert missing == [], "function-level imports need a one-line reason:\n" + "\n".join(missing)


def test_the_rule_catches_an_import_without_a_reason(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "def f():\n    import json\n    return json\n\n"
        "def g():\n    import csv  # a reason\n    return csv\n\n"
        "def h():\n    # a reason for the group\n    import io\n    import os\n    return io, os\n"
    )
    assert _function_imports_without_reason(sample, tmp_path) == ["sample.py:2: import json"]
