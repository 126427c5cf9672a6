"""Adding a record to a YAML record file by inserting text, so every existing line, comment and style stays as is.

The file is composed (never constructed) with the C loader to find where its list ends; the new record is dumped
in the house style (two-space indents, lists indented under their key) and inserted after the list's last node.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import yaml


class EditError(ValueError):
    """The file cannot take the record as text (a flow-style list, a key that is no list); says where."""

    def __init__(self, line: int, col: int, reason: str) -> None:
        super().__init__(reason)
        self.line, self.col, self.reason = line, col, reason


class _HouseDumper(yaml.SafeDumper):
    """Indents a list under its key (`sources:\\n  - a`), as the shipped files are written."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)

    def ignore_aliases(self, data: Any) -> bool:
        return True  # the loader refuses aliases; a date used twice is written twice


# ISO 8601 with a `T`, as the shipped files write times (PyYAML's default puts a space there).
_HouseDumper.add_representer(
    dt.datetime, lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:timestamp", value.isoformat())
)


def dump_block(value: Any, indent: int) -> str:
    """`value` as block YAML, every line indented by `indent` spaces."""
    text = yaml.dump(value, Dumper=_HouseDumper, sort_keys=False, allow_unicode=True, width=100)
    return "".join(" " * indent + line if line.strip() else line for line in text.splitlines(keepends=True))


@dataclass(frozen=True)
class Inserted:
    """The file's new text and the line (from 1) where the new record starts."""

    text: str
    line: int


def _last_line(node: yaml.Node) -> tuple[int, int]:
    """(line, column) of the end of the node's last piece of content (its deepest last child's end)."""
    while isinstance(node, (yaml.SequenceNode, yaml.MappingNode)) and node.value:
        node = node.value[-1] if isinstance(node, yaml.SequenceNode) else node.value[-1][1]
    return node.end_mark.line, node.end_mark.column


def _insertion_index(lines: list[str], end: tuple[int, int]) -> int:
    """The index of the line before which text goes that should follow content ending at `end`."""
    line, col = end
    index = min(line if col == 0 else line + 1, len(lines))
    # A block scalar (`>-`) ends after the blank lines that follow it; the record goes before them.
    while index > line - 1 and index > 0 and not lines[index - 1].strip():
        index -= 1
    return index


def _append_key(text: str, key: str, record: dict[str, Any]) -> Inserted:
    """The list is missing (or the file is empty): add `key:` with the record at the end of the file."""
    if text and not text.endswith("\n"):
        text += "\n"
    head = text + ("\n" if text.strip() else "") + f"{key}:\n"
    return Inserted(head + dump_block([record], 2), head.count("\n") + 1)


def _replace_empty(lines: list[str], key_node: yaml.Node, key: str, record: dict[str, Any]) -> Inserted:
    """`key:`, `key: []` or `key: ~` on one line: the line becomes `key:` (its comment kept) and the record follows."""
    index = key_node.start_mark.line
    comment = re.search(r"\s+#.*$", lines[index].rstrip("\n"))
    indent = key_node.start_mark.column
    lines[index] = " " * indent + f"{key}:" + (comment.group(0) if comment else "") + "\n"
    block = dump_block([record], indent + 2)
    return Inserted("".join(lines[: index + 1]) + block + "".join(lines[index + 1 :]), index + 2)


def append_to_list(text: str, key: str, record: dict[str, Any]) -> Inserted:
    """The file's text with `record` appended to its top-level list `key` (created when missing).

    Raises `EditError` when the file is not a mapping or `key` holds something other than a block list.
    """
    root = yaml.compose(text, Loader=yaml.CSafeLoader) if text.strip() else None
    if root is None:
        return _append_key(text, key, record)
    if not isinstance(root, yaml.MappingNode):
        raise EditError(root.start_mark.line + 1, root.start_mark.column + 1, "the file is not a mapping")
    found = [(k, v) for k, v in root.value if isinstance(k, yaml.ScalarNode) and k.value == key]
    if not found:
        return _append_key(text, key, record)
    key_node, value = found[-1]
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    where = (value.start_mark.line + 1, value.start_mark.column + 1)
    empty = isinstance(value, yaml.ScalarNode) and value.value in ("", "~", "null")
    if empty and value.end_mark.line == key_node.start_mark.line:
        return _replace_empty(lines, key_node, key, record)
    if not isinstance(value, yaml.SequenceNode):
        raise EditError(*where, f"{key!r} must be a list of records")
    if not value.value:
        if value.end_mark.line != key_node.start_mark.line:
            raise EditError(*where, f"{key!r} is an empty list over several lines; write it as `{key}: []`")
        return _replace_empty(lines, key_node, key, record)
    if value.flow_style:
        raise EditError(*where, f"{key!r} is a flow list ([...]); write it as a block list (`- ...`) to add to it")
    last = value.value[-1]
    index = _insertion_index(lines, _last_line(last))
    # Keep the file's spacing: a blank line between records when its last record has one before it.
    before_last = last.start_mark.line - 1
    spaced = before_last >= 0 and not lines[before_last].strip()
    block = ("\n" if spaced else "") + dump_block([record], value.start_mark.column)
    new_text = "".join(lines[:index]) + block + "".join(lines[index:])
    return Inserted(new_text, index + 1 + (1 if spaced else 0))


def _flow_item(item: Any) -> str:
    """An item as one line of flow YAML (`an-id`, `{quantity: killed, value: 2}`)."""
    text = yaml.dump(item, Dumper=_HouseDumper, default_flow_style=True, allow_unicode=True, width=2**20)
    return text.strip().removesuffix("...").strip()


def _record_node(root: yaml.Node, record_loc: tuple[str | int, ...]) -> yaml.MappingNode:
    node = root
    for part in record_loc:
        if isinstance(part, str) and isinstance(node, yaml.MappingNode):
            found = [v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == part]
            node = found[-1] if found else None  # type: ignore[assignment]  # None ends the walk below
        elif isinstance(part, int) and isinstance(node, yaml.SequenceNode) and part < len(node.value):
            node = node.value[part]
        else:
            node = None  # type: ignore[assignment]  # None ends the walk below
        if node is None:
            raise EditError(1, 1, f"no record at {record_loc!r}")
    if not isinstance(node, yaml.MappingNode):
        raise EditError(node.start_mark.line + 1, node.start_mark.column + 1, "the record is not a mapping")
    if node.flow_style:
        raise EditError(node.start_mark.line + 1, node.start_mark.column + 1,
                        "the record is written in flow style ({...}); write it as a block to add to it")
    return node


def append_to_field(text: str, record_loc: tuple[str | int, ...], key: str, item: Any) -> Inserted:
    """The file's text with `item` appended to the list `key` of the record at `record_loc` (`("statements", 4)`).

    Only text is inserted: a block list gets a `- item` after its last item, a one-line flow list (`[a, b]`) gets
    `, item` before its `]`, and a record without the key gets `key:` and the item after its last line. Raises
    `EditError` when the record or the field cannot take it (a flow-style record, a field that is no list)."""
    root = yaml.compose(text, Loader=yaml.CSafeLoader)
    if root is None:
        raise EditError(1, 1, "the file is empty")
    record = _record_node(root, record_loc)
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    found = [(k, v) for k, v in record.value if isinstance(k, yaml.ScalarNode) and k.value == key]
    indent = record.start_mark.column
    if not found:
        index = _insertion_index(lines, _last_line(record))
        block = " " * indent + f"{key}:\n" + dump_block([item], indent + 2)
        return Inserted("".join(lines[:index]) + block + "".join(lines[index:]), index + 2)
    key_node, value = found[-1]
    where = (value.start_mark.line + 1, value.start_mark.column + 1)
    empty = isinstance(value, yaml.ScalarNode) and value.value in ("", "~", "null")
    if empty and value.end_mark.line == key_node.start_mark.line:
        return _replace_empty(lines, key_node, key, item)
    if not isinstance(value, yaml.SequenceNode):
        raise EditError(*where, f"{key!r} is not a list")
    if value.flow_style:
        line, col = value.end_mark.line, value.end_mark.column - 1  # the closing bracket
        if lines[line][col : col + 1] != "]":
            raise EditError(*where, f"{key!r}: cannot find the end of its flow list")
        added = ("" if not value.value else ", ") + _flow_item(item)
        lines[line] = lines[line][:col] + added + lines[line][col:]
        return Inserted("".join(lines), line + 1)
    if not value.value:
        return _replace_empty(lines, key_node, key, item)
    last = value.value[-1]
    index = _insertion_index(lines, _last_line(last))
    if isinstance(last, yaml.MappingNode) and last.flow_style:  # keep the list's style: `- {a: 1, b: 2}`
        block = " " * value.start_mark.column + "- " + _flow_item(item) + "\n"
    else:
        block = dump_block([item], value.start_mark.column)
    return Inserted("".join(lines[:index]) + block + "".join(lines[index:]), index + 1)


def set_field(text: str, record_loc: tuple[str | int, ...], key: str, value: Any) -> Inserted:
    """The file's text with the record's `key` set to a scalar `value`: a one-line value is replaced on its line (its
    comment kept), a missing key is added after the record's last line. Raises `EditError` for a value over several
    lines (a block scalar), which is left for a curator to edit."""
    root = yaml.compose(text, Loader=yaml.CSafeLoader)
    if root is None:
        raise EditError(1, 1, "the file is empty")
    record = _record_node(root, record_loc)
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    dumped = _flow_item(value)
    found = [(k, v) for k, v in record.value if isinstance(k, yaml.ScalarNode) and k.value == key]
    if not found:
        index = _insertion_index(lines, _last_line(record))
        line = " " * record.start_mark.column + f"{key}: {dumped}\n"
        return Inserted("".join(lines[:index]) + line + "".join(lines[index:]), index + 1)
    _key, node = found[-1]
    start, end = node.start_mark, node.end_mark
    if not isinstance(node, yaml.ScalarNode) or start.line != end.line or node.style in ("|", ">"):
        raise EditError(start.line + 1, start.column + 1, f"{key!r} is not a one-line value; edit it by hand")
    row = lines[start.line]
    lines[start.line] = row[: start.column] + dumped + row[end.column :]
    return Inserted("".join(lines), start.line + 1)
