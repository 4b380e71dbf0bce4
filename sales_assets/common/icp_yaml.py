"""The ICP file's YAML, read strictly and with its line marks, so every error can name the line.

What belongs here: `StrictLoader`, PyYAML's safe loader refusing what plain YAML takes silently (a key given
twice in one mapping, at any depth; a float that is not finite), `Refused`, its error marked at the
offending node, and the walks of the composed node tree that map a place in the document (keys and indexes)
to a line and back. What the profiles may hold and how errors are worded for people is `icp.py`'s.
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from typing import Any

import yaml


def node_at(root: yaml.Node | None, path: tuple[Any, ...]) -> yaml.Node | None:
    """The deepest YAML node along `path` (mapping keys and sequence indexes)."""
    node = root
    for part in path:
        if isinstance(node, yaml.MappingNode):
            # The last match: after a `<<` merge, the explicit key follows the merged one and is in force.
            matches = [v for k, v in node.value if k.value == str(part)]
            if not matches:
                # The key itself is missing: point at the mapping that should hold it.
                return node
            node = matches[-1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            return node
    return node


def key_line(root: yaml.Node | None, path: tuple[Any, ...]) -> int:
    """1-based line of the last key of `path` (for errors about a mapping key itself, like a profile name)."""
    parent = node_at(root, path[:-1])
    if isinstance(parent, yaml.MappingNode):
        for key, _ in reversed(parent.value):
            if key.value == str(path[-1]):
                return key.start_mark.line + 1
    return parent.start_mark.line + 1 if parent is not None else 1


def path_of(root: yaml.Node | None, target: yaml.Node) -> tuple[Any, ...] | None:
    """Keys and indexes from `root` down to `target` (compared by identity), or None if it is not there."""
    if root is None:
        return None
    if root is target:
        return ()
    children: list[tuple[Any, yaml.Node]] = []
    if isinstance(root, yaml.MappingNode):
        children = [(k.value, v) for k, v in root.value]
    elif isinstance(root, yaml.SequenceNode):
        children = list(enumerate(root.value))
    for part, child in children:
        below = path_of(child, target)
        if below is not None:
            return (part, *below)
    return None


def where_in_file(path: tuple[Any, ...] | None) -> str:
    """`profile 'x', field 'a.b': ` for a place in the file, in the style of the validation errors."""
    if not path:
        return ""
    parts = [str(p) for p in path]
    if parts[0] == "profiles" and len(parts) >= 2:
        field = f", field '{'.'.join(parts[2:])}'" if len(parts) > 2 else ""
        return f"profile '{parts[1]}'{field}: "
    return f"key '{'.'.join(parts)}': "


class Refused(yaml.MarkedYAMLError):
    """Valid YAML that the ICP file still refuses (a duplicate key, a non-finite number), marked at `node`."""

    def __init__(
        self, node: yaml.Node, problem: str, *, mapping: yaml.MappingNode | None = None, key: Any = None
    ) -> None:
        super().__init__(problem=problem, problem_mark=node.start_mark)
        self.node = node
        # For a duplicate key, `node` is the repeated key, `mapping` the mapping that holds it twice.
        self.mapping = mapping
        self.key = key


class StrictLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing what it would otherwise take silently: a key given twice in one mapping
    (at any depth) and a float that is not finite. Line marks are kept: errors point at the offending key or
    value, and the composed node tree still maps validation errors back to lines."""

    def construct_mapping(self, node: yaml.Node, deep: bool = False) -> dict[Any, Any]:
        if isinstance(node, yaml.MappingNode):
            first_seen: dict[Any, yaml.Node] = {}
            for key_node, _ in node.value:
                # A `<<: *defaults` merge is no duplicate: keys written beside it override it on purpose.
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = self.construct_object(key_node, deep=True)
                if not isinstance(key, Hashable):
                    continue  # the base constructor reports an unhashable key with its own mark
                if key in first_seen:
                    first = first_seen[key].start_mark.line
                    earlier = (
                        "earlier on the same line"
                        if first == key_node.start_mark.line
                        else f"on line {first + 1}"
                    )
                    raise Refused(
                        key_node,
                        f"duplicate key, first given {earlier}; YAML would silently keep only the last one, "
                        "so remove or merge one of them",
                        mapping=node,
                        key=key,
                    )
                first_seen[key] = key_node
        # PyYAML refuses a node that is no mapping itself.
        return super().construct_mapping(node, deep=deep)  # type: ignore[arg-type]

    def construct_yaml_float(self, node: yaml.ScalarNode) -> float:
        value = super().construct_yaml_float(node)
        if not math.isfinite(value):
            raise Refused(
                node,
                f"{node.value!r} is not a finite number (infinity and NaN are not allowed; "
                "write the number itself, e.g. 2500)",
            )
        return value


StrictLoader.add_constructor("tag:yaml.org,2002:float", StrictLoader.construct_yaml_float)
