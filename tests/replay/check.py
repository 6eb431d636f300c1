#!/usr/bin/python3
"""tests/replay/check.py: compare `akashsim replay` output with a vector's expectation.

Usage: check.py ACTUAL.json EXPECTED.json
Prints nothing and exits 0 when ACTUAL matches; otherwise prints the first mismatch as
"$.path: expected X, got Y" and exits 1 (2 if a file cannot be read).

The match is a SUBSET match (tests/replay/README.md):
  - objects: every key of the expectation must exist in the output and match; other keys of
    the output are ignored;
  - lists of objects that carry an identifying key ("id", else "owner", else "name", else
    "granter" with "grantee"), unique in both lists: elements are matched by that key, and each
    expected element must exist; extra output elements are ignored;
  - other lists: same length, compared element by element;
  - scalars: equal and of the same JSON type (numbers are one type; true is not 1).
Standard library only.
"""
import json
import sys

KEYS = (("id",), ("owner",), ("name",), ("granter", "grantee"), ("granter",))


def jtype(v):
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, (int, float)):
        return "number"
    if isinstance(v, str):
        return "string"
    if v is None:
        return "null"
    if isinstance(v, list):
        return "list"
    return "object"


def show(v):
    s = json.dumps(v, sort_keys=True)
    return s if len(s) <= 160 else s[:157] + "..."


def list_key(exp, act):
    """The identifying key of two lists of objects, or None to compare element-wise."""
    if not exp or not all(isinstance(e, dict) for e in exp + act):
        return None
    for key in KEYS:
        if all(all(k in e for k in key) for e in exp + act):
            ek = [tuple(e[k] for k in key) for e in exp]
            ak = [tuple(e[k] for k in key) for e in act]
            if len(set(map(json.dumps, ek))) == len(ek) and len(set(map(json.dumps, ak))) == len(ak):
                return key
    return None


def match(exp, act, path):
    """None if act matches exp, else a message naming the first mismatch."""
    if jtype(exp) != jtype(act):
        return f"{path}: expected {jtype(exp)} {show(exp)}, got {jtype(act)} {show(act)}"
    if isinstance(exp, dict):
        for k, v in exp.items():
            if k not in act:
                return f"{path}.{k}: expected {show(v)}, got nothing (key missing)"
            m = match(v, act[k], f"{path}.{k}")
            if m:
                return m
        return None
    if isinstance(exp, list):
        key = list_key(exp, act)
        if key:
            index = {json.dumps([e[k] for k in key]): e for e in act}
            for e in exp:
                kv = [e[k] for k in key]
                label = "/".join(str(x) for x in kv) if len(kv) > 1 else str(kv[0])
                where = f"{path}[{'+'.join(key)}={label}]"
                a = index.get(json.dumps(kv))
                if a is None:
                    return f"{where}: expected {show(e)}, got no such element"
                m = match(e, a, where)
                if m:
                    return m
            return None
        if len(exp) != len(act):
            return f"{path}: expected a list of {len(exp)}, got {len(act)}: {show(act)}"
        for i, (e, a) in enumerate(zip(exp, act)):
            m = match(e, a, f"{path}[{i}]")
            if m:
                return m
        return None
    if exp != act:
        return f"{path}: expected {show(exp)}, got {show(act)}"
    return None


def main(argv):
    if len(argv) != 3:
        print("usage: check.py ACTUAL.json EXPECTED.json", file=sys.stderr)
        return 2
    docs = []
    for name in argv[1:]:
        try:
            with open(name, encoding="utf-8") as f:
                docs.append(json.load(f))
        except (OSError, ValueError) as e:
            print(f"{name}: cannot read JSON: {e}")
            return 2
    m = match(docs[1], docs[0], "$")
    if m:
        print(m)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
