"""Every environment variable the code reads is documented in .env.example and in the README."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "jobs", "sheets_schema")
ENV_NAME = re.compile(r"(GAPBOT|SLACK|GOOGLE)_[A-Z0-9_]+")


def _env_read_argument(node: ast.AST) -> ast.expr | None:
    """The name argument of os.environ.get(X), os.getenv(X), os.environ[X], environ.get(X), envvar=X."""
    if isinstance(node, ast.Call):
        func = node.func
        for keyword in node.keywords:
            if keyword.arg == "envvar":
                return keyword.value
        if isinstance(func, ast.Attribute) and node.args:
            owner = ast.unparse(func.value)
            if (func.attr == "get" and owner.endswith("environ")) or (func.attr == "getenv" and owner == "os"):
                return node.args[0]
    if isinstance(node, ast.Subscript) and ast.unparse(node.value).endswith("environ"):
        return node.slice
    return None


def environment_variables() -> set[str]:
    """Names the source reads: env-looking string constants, and constant arguments of env reads."""
    trees = [ast.parse(p.read_text(), str(p)) for pkg in PACKAGES for p in sorted((ROOT / pkg).rglob("*.py"))]
    constants: dict[str, str] = {}
    for tree in trees:
        for statement in tree.body:
            if (
                isinstance(statement, ast.Assign)
                and isinstance(statement.value, ast.Constant)
                and isinstance(statement.value.value, str)
            ):
                for target in statement.targets:
                    if isinstance(target, ast.Name):
                        constants[target.id] = statement.value.value
    names: set[str] = set()
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and ENV_NAME.fullmatch(node.value):
                names.add(node.value)
            argument = _env_read_argument(node)
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                names.add(argument.value)
            elif isinstance(argument, ast.Name) and argument.id in constants:
                names.add(constants[argument.id])
    return names


def test_the_scan_finds_the_variables_we_know_are_read() -> None:
    found = environment_variables()
    assert {"GAPBOT_WORKBOOK", "GAPBOT_SHEET_ID", "GAPBOT_LOG_FORMAT", "GAPBOT_WATCH_EVERY", "SLACK_BOT_TOKEN"} <= found


def test_every_variable_is_in_env_example() -> None:
    text = (ROOT / ".env.example").read_text()
    listed = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", text, flags=re.MULTILINE))
    assert sorted(environment_variables() - listed) == []


def test_every_variable_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    assert sorted(name for name in environment_variables() if name not in readme) == []
