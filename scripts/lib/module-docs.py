#!/usr/bin/env python3
"""The inputs and outputs tables of a Terraform module's README, made from its .tf files.

  module-docs.py MODULE_DIR            exit 1 (with a diff) when README.md's tables are stale
  module-docs.py MODULE_DIR --write    rewrite them

The tables sit between `<!-- BEGIN_TF_DOCS -->` and `<!-- END_TF_DOCS -->` in
MODULE_DIR/README.md. Names, defaults and descriptions come from python-hcl2
(checkov's parser, already in the tool venv); each type is written as its source text.
"""
import difflib
import json
import pathlib
import re
import sys

import hcl2

BEGIN, END = "<!-- BEGIN_TF_DOCS -->", "<!-- END_TF_DOCS -->"


def block_source(text: str, kind: str, name: str) -> str:
    """The source of `kind "name" { ... }`, braces balanced."""
    start = re.search(rf'^{kind}\s+"{re.escape(name)}"\s*\{{', text, re.M)
    if not start:
        return ""
    depth, i = 0, start.end() - 1
    while i < len(text):
        depth += {"{": 1, "}": -1}.get(text[i], 0)
        if depth == 0:
            return text[start.start() : i + 1]
        i += 1
    return text[start.start() :]


def type_source(block: str) -> str:
    """The `type = ...` expression of a variable block, on one line."""
    m = re.search(r"^\s*type\s*=\s*", block, re.M)
    if not m:
        return "any"
    i, depth, out = m.end(), 0, []
    while i < len(block):
        c = block[i]
        if c in "({[":
            depth += 1
        elif c in ")}]":
            depth -= 1
        if c == "\n" and depth == 0:
            break
        out.append("," if c == "\n" else c)  # object attributes: one a line in the source
        i += 1
    expr = re.sub(r"#[^,]*", "", "".join(out))
    expr = re.sub(r"\s+", " ", expr).strip()
    expr = re.sub(r"(,\s*)+", ", ", expr)
    expr = re.sub(r"([({\[])\s*,?\s*", r"\1", expr)
    expr = re.sub(r"\s*,?\s*([)}\]])", r"\1", expr)
    return expr.rstrip(", ")


def value(v):
    """python-hcl2 wraps each attribute's value in a one-item list."""
    return v[0] if isinstance(v, list) and len(v) == 1 else v


def cell(text: str) -> str:
    return " ".join(str(text).replace('\\"', '"').split()).replace("|", "\\|")


def tables(module: pathlib.Path) -> str:
    inputs, outputs = [], []
    for path in sorted(module.glob("*.tf")):
        text = path.read_text()
        parsed = hcl2.loads(text)
        for entry in parsed.get("variable", []):
            for name, body in entry.items():
                required = "default" not in body
                default = "required" if required else f"`{json.dumps(value(body['default']))}`"
                kind = type_source(block_source(text, "variable", name))
                inputs.append((not required, name, kind, default, value(body.get("description", ""))))
        for entry in parsed.get("output", []):
            for name, body in entry.items():
                outputs.append((name, value(body.get("description", ""))))
    lines = ["## Inputs", "", "| name | type | default | description |", "|---|---|---|---|"]
    for _, name, kind, default, description in sorted(inputs, key=lambda r: (r[0], r[1])):
        lines.append(f"| `{name}` | `{cell(kind)}` | {cell(default)} | {cell(description)} |")
    lines += ["", "## Outputs", "", "| name | description |", "|---|---|"]
    for name, description in sorted(outputs):
        lines.append(f"| `{name}` | {cell(description)} |")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    module = pathlib.Path(argv[0])
    readme = module / "README.md"
    text = readme.read_text()
    if BEGIN not in text or END not in text:
        print(f"{readme}: no {BEGIN} … {END} markers", file=sys.stderr)
        return 1
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    fresh = f"{head}{BEGIN}\n{tables(module)}\n{END}{tail}"
    if fresh == text:
        return 0
    if "--write" in argv:
        readme.write_text(fresh)
        return 0
    sys.stderr.writelines(difflib.unified_diff(text.splitlines(True), fresh.splitlines(True), str(readme), "generated"))
    print(f"{readme}: the inputs/outputs tables are stale; run: {sys.executable} {sys.argv[0]} {module} --write", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
