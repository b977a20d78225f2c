"""Reading a rule file's YAML while keeping line numbers, so errors can point at the line.

Two deliberate departures from ``yaml.safe_load``: duplicate keys are an error (PyYAML keeps the
last one silently, which would hide a rule), and timestamps stay strings so that pydantic, not
PyYAML, decides what a date means (PyYAML turns ``2027-01-01T00:00:00Z`` into a naive datetime).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import yaml

__all__ = ["YamlDocument", "YamlError", "parse_yaml"]

_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"


class _Loader(yaml.SafeLoader):
    """SafeLoader without the implicit timestamp type."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP_TAG]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class YamlError(ValueError):
    """The text is not a usable YAML document; ``line`` is 1-based when known."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass(frozen=True)
class YamlDocument:
    """Parsed data plus the node tree, to turn a location such as
    ``("requirements", 3, "fields")`` back into a line number."""

    data: Any
    root: yaml.Node

    def line_of(self, location: Sequence[str | int]) -> int | None:
        """The 1-based line of the deepest node that ``location`` reaches."""
        node = self.root
        for part in location:
            child = _child(node, part)
            if child is None:
                continue  # a pydantic union tag such as "FieldSpec": not in the YAML
            node = child
        return node.start_mark.line + 1

    def readable(self, location: Sequence[str | int], *, missing_key: bool = False) -> str:
        """``requirements[3].fields[0].path``: the parts of ``location`` found in the YAML (pydantic
        adds union tags such as ``FieldSpec`` that are not), plus the final part when it names a
        key that is missing."""
        node = self.root
        text = ""
        for index, part in enumerate(location):
            child = _child(node, part)
            if child is None and not (missing_key and index == len(location) - 1):
                continue
            if isinstance(part, int):
                text += f"[{part}]"
            else:
                text += f".{part}" if text else str(part)
            if child is not None:
                node = child
        return text or "(top level)"


def parse_yaml(text: str) -> YamlDocument:
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            raise YamlError("the file is empty", 1)
        _reject_duplicate_keys(root)
        data = loader.construct_document(root)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise YamlError(str(exc.problem or exc), mark.line + 1 if mark else None) from exc
    except yaml.YAMLError as exc:
        raise YamlError(str(exc), None) from exc
    finally:
        loader.dispose()
    return YamlDocument(data, root)


def _child(node: yaml.Node, part: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode) and isinstance(part, str):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == part:
                return value  # type: ignore[no-any-return]
    if (
        isinstance(node, yaml.SequenceNode)
        and isinstance(part, int)
        and 0 <= part < len(node.value)
    ):
        return node.value[part]  # type: ignore[no-any-return]
    return None


def _reject_duplicate_keys(node: yaml.Node) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                if key.value in seen:
                    raise YamlError(f"duplicate key {key.value!r}", key.start_mark.line + 1)
                seen.add(key.value)
            _reject_duplicate_keys(value)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _reject_duplicate_keys(item)
