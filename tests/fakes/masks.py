"""Google field masks: `a,b(c,d)`, `a.b`, `a/b/c` — reading them and applying them."""

from __future__ import annotations

import re
from typing import Any


def parse_mask(text: str) -> dict[str, Any]:
    tree: dict[str, Any] = {}
    i = 0

    def parse_list(end: str | None) -> dict[str, Any]:
        nonlocal i
        node: dict[str, Any] = {}
        while i < len(text):
            j = i
            while j < len(text) and text[j] not in ",()":
                j += 1
            path = text[i:j].strip()
            i = j
            leaf = node
            keys = [k for k in re.split(r"[./]", path) if k]
            for key in keys[:-1]:
                leaf = leaf.setdefault(key, {})
            last = keys[-1] if keys else None
            if i < len(text) and text[i] == "(":
                i += 1
                sub = parse_list(")")
                if last:
                    existing = leaf.setdefault(last, {})
                    if existing is not True:
                        existing.update(sub)
            elif last:
                leaf[last] = True
            if i < len(text) and text[i] == ")":
                i += 1
                return node
            if i < len(text) and text[i] == ",":
                i += 1
        return node

    tree = parse_list(None)
    return tree


def mask(value: Any, fields: str) -> Any:
    return apply_mask(value, parse_mask(fields))


def apply_mask(value: Any, tree: Any) -> Any:
    if tree is True:
        return value
    if isinstance(value, list):
        return [apply_mask(v, tree) for v in value]
    if not isinstance(value, dict):
        return value
    if "*" in tree:
        return value
    return {k: apply_mask(value[k], sub) for k, sub in tree.items() if k in value}


def set_fields(target: dict[str, Any], source: dict[str, Any], fields: str) -> None:
    """Copy the masked fields of `source` into `target`; a masked field absent from `source` is cleared."""
    if fields.strip() == "*":
        target.update(source)
        return
    assign(target, source, parse_mask(fields))


def assign(target: dict[str, Any], source: Any, tree: dict[str, Any]) -> None:
    for key, sub in tree.items():
        value = source.get(key) if isinstance(source, dict) else None
        if sub is True or "*" in sub:
            if value is None:
                target.pop(key, None)
            else:
                target[key] = value
        else:
            child = target.setdefault(key, {})
            if isinstance(child, dict):
                assign(child, value or {}, sub)
