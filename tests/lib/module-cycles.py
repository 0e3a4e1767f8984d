#!/usr/bin/env python3
"""Reports import cycles between the modules of a Rust crate; exits 1 when there is one.

A module depends on another when it names something in it: a `use crate::…`, `use super::…` or
`use self::…` tree, or such a path written inline. A name re-exported by a module (`pub use`) is
followed to the module that defines it, so `use crate::Error` depends on `error`, not on the
crate root. Test code (`#[cfg(test)]` modules) is left out: tests may use anything.

Cycles are counted at two levels: between the crate's top modules (`nopass`, `authx`, ...), and
between the submodules of one top module (`nopass::portal`, `nopass::machine`, ...), each
deeper module counting as the submodule it lies in. A module's dependency on its own parent
(the items of a `mod.rs`) is not a cycle: the parent is the place its children meet.

Usage: tests/lib/module-cycles.py [--graph] SRC_DIR
  --graph  print every dependency between modules of one level, not only the cycles
"""

import argparse
import pathlib
import re
import sys
from collections import defaultdict

IDENT = r"[A-Za-z_][A-Za-z0-9_]*"
# `#[cfg(test)]`, `#[cfg(all(test, ...))]`, `#[cfg(all(..., test))]`: compiled for tests only.
TEST_ONLY = re.compile(r"cfg\(\s*(?:all\([^\]]*?)?\btest\b")


def strip_comments_and_strings(text):
    """Blanks comments, string and char literals (keeping line breaks), so braces and paths
    inside them are not read as code."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if text.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif text.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif (m := re.match(r'b?r(#*)"', text[i:i + 260])) and not re.match(r"\w", text[i - 1:i]):
            end = text.find('"' + m.group(1), i + m.end())
            end = n if end < 0 else end + 1 + len(m.group(1))
            out.append(re.sub(r"[^\n]", " ", text[i:end]))
            i = end
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append(re.sub(r"[^\n]", " ", text[i:j + 1]))
            i = j + 1
        elif c == "'" and (m := re.match(r"'(\\.[^']*|[^\\'])'", text[i:i + 12])):
            out.append(" " * m.end())
            i += m.end()
        else:
            out.append(c)
            i += 1
    return "".join(out)


def expand_use_tree(tree):
    """`a::{b, c::{d, e as f}, self}` -> [('a::b', 'b'), ('a::c::d', 'd'), ('a::c::e', 'f'), ('a', 'a')]:
    each path with the name it is bound to."""
    tree = re.sub(r"\s*(::|[{},])\s*", r"\1", re.sub(r"\s+", " ", tree.strip()))
    found = []

    def walk(prefix, s):
        parts, depth, start = [], 0, 0
        for k, ch in enumerate(s):
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
            elif ch == "," and depth == 0:
                parts.append(s[start:k])
                start = k + 1
        parts.append(s[start:])
        for part in filter(None, parts):
            brace = part.find("{")
            if brace >= 0:
                walk(prefix + part[:brace], part[brace + 1:part.rindex("}")])
                continue
            path, _, alias = part.partition(" as ")
            path = (prefix + path).removesuffix("::self")
            found.append((path, alias or path.rsplit("::", 1)[-1]))

    walk("", tree)
    return found


class Module:
    def __init__(self, path):
        self.path = path  # tuple of names, () for the crate root
        self.paths = []  # (line, path as written, file)
        self.reexports = {}  # name bound by a `pub use` -> the path it names
        self.glob_reexports = []  # the paths of `pub use x::*`


def parse_crate(src):
    modules = {}

    def module_file(name, own_dir):
        for candidate in (own_dir / f"{name}.rs", own_dir / name / "mod.rs"):
            if candidate.exists():
                return candidate
        return None

    def load(path, file, child_dir):
        module = Module(path)
        modules[path] = module
        text = strip_comments_and_strings(file.read_text())
        read_items(module, text, 0, len(text), child_dir, file)

    def read_items(module, text, start, end, child_dir, file):
        pos = start
        item = re.compile(
            r"(?P<attrs>(?:#\[[^\]]*(?:\[[^\]]*\][^\]]*)*\]\s*)*)"
            r"(?P<vis>pub(?:\([^)]*\))?\s+)?(?:(?P<mod>mod)\s+(?P<name>" + IDENT + r")\s*(?P<tail>[;{])"
            r"|(?P<use>use)\s+(?P<tree>[^;]*);)"
        )
        while True:
            m = item.search(text, pos, end)
            if not m:
                scan_inline(module, text, pos, end, file)
                return
            scan_inline(module, text, pos, m.start(), file)
            line = text.count("\n", 0, m.start()) + 1
            is_test = TEST_ONLY.search(m.group("attrs") or "")
            if m.group("use"):
                for p, name in expand_use_tree(m.group("tree")):
                    if is_test:
                        continue
                    module.paths.append((line, p, file))
                    if m.group("vis") and name == "*":
                        module.glob_reexports.append(p.removesuffix("::*"))
                    elif m.group("vis"):
                        module.reexports[name] = p
                pos = m.end()
                continue
            name = m.group("name")
            child = module.path + (name,)
            if m.group("tail") == ";":
                pos = m.end()
                if is_test:
                    continue
                path_attr = re.search(r'path\s*=', m.group("attrs") or "")
                child_file = None if path_attr else module_file(name, child_dir)
                if child_file is not None:
                    own_dir = child_file.parent if child_file.name == "mod.rs" else child_file.parent / name
                    load(child, child_file, own_dir)
                continue
            close = matching_brace(text, m.end() - 1)
            pos = close + 1
            if is_test:
                continue
            inner = Module(child)
            modules[child] = inner
            read_items(inner, text, m.end(), close, child_dir / name, file)

    def scan_inline(module, text, start, end, file):
        for m in re.finditer(r"(?<![A-Za-z0-9_:])((?:crate|super|self)(?:::" + IDENT + r")+)", text[start:end]):
            line = text.count("\n", 0, start + m.start()) + 1
            module.paths.append((line, m.group(1), file))

    lib = src / "lib.rs"
    load((), lib, src)
    return modules


def matching_brace(text, open_index):
    depth = 0
    for k in range(open_index, len(text)):
        if text[k] == "{":
            depth += 1
        elif text[k] == "}":
            depth -= 1
            if depth == 0:
                return k
    return len(text) - 1


def absolute(modules, module, written):
    """The path as segments from the crate root, or None when it names another crate."""
    segments = written.split("::")
    if segments[0] == "crate":
        return tuple(segments[1:])
    base = module.path
    if segments[0] not in ("super", "self"):
        # A plain path starts at a child module, or names another crate (`std::…`).
        return base + tuple(segments) if base + tuple(segments[:1]) in modules else None
    while segments and segments[0] in ("super", "self"):
        if segments[0] == "super":
            base = base[:-1]
        segments = segments[1:]
    return base + tuple(segments)


def defining_module(modules, segments, seen=None):
    """The module a path's item lives in, following re-exports."""
    seen = seen or set()
    if segments in seen:
        return None
    seen.add(segments)
    k = len(segments)
    while k and segments[:k] not in modules:
        k -= 1
    owner = modules[segments[:k]]
    if k == len(segments):
        return owner.path
    name = segments[k]
    if name in owner.reexports:
        target = absolute(modules, owner, owner.reexports[name])
        if target is not None:
            return defining_module(modules, target + segments[k + 1:], seen)
    for glob in owner.glob_reexports:
        target = absolute(modules, owner, glob)
        found = defining_module(modules, target + segments[k:], seen) if target is not None else None
        if found is not None and found != target:
            return found
    return owner.path


def unit(path, level_parent):
    """The module of one level that `path` lies in: the child of `level_parent` above it."""
    n = len(level_parent)
    if path[:n] != level_parent or len(path) <= n:
        return None
    return path[:n + 1]


def cycles(edges):
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, result = {}, {}, [], set(), []
    nodes = sorted(set(edges) | {b for targets in edges.values() for b in targets})

    def strong(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                result.append(sorted(component))

    sys.setrecursionlimit(10_000)
    for v in nodes:
        if v not in index:
            strong(v)
    return result


def dotted(path):
    return "::".join(path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("src", type=pathlib.Path)
    parser.add_argument("--graph", action="store_true")
    args = parser.parse_args()

    modules = parse_crate(args.src)
    levels = [()] + sorted(p for p in modules if len(p) == 1)

    found = 0
    for level in levels:
        edges, evidence = defaultdict(set), {}
        for module in modules.values():
            source = unit(module.path, level)
            if source is None:
                continue
            for line, written, file in module.paths:
                segments = absolute(modules, module, written)
                if segments is None:
                    continue
                target = unit(defining_module(modules, segments) or (), level)
                if target is None or target == source:
                    continue
                edges[source].add(target)
                evidence.setdefault((source, target), f"{file.relative_to(args.src)}:{line} {written}")
        if args.graph:
            for (a, b), where in sorted(evidence.items()):
                print(f"{dotted(a)} -> {dotted(b)}    ({where})")
        for component in cycles(edges):
            found += 1
            members = set(component)
            print(f"cycle in {dotted(level) or 'crate'}: {', '.join(dotted(p) for p in component)}")
            for (a, b), where in sorted(evidence.items()):
                if a in members and b in members:
                    print(f"    {dotted(a)} -> {dotted(b)}    ({where})")
    if found:
        print(f"{found} import cycle(s)")
        return 1
    print("no import cycles")
    return 0


if __name__ == "__main__":
    sys.exit(main())
