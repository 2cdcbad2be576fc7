#!/usr/bin/env python3
"""Checks the module graph against docs/ARCHITECTURE.md.

Reads the table between `<!-- module-graph` and `<!-- end of module-graph -->` in
docs/ARCHITECTURE.md (module, kind, the package modules it may use), the dependency edges of
Package.swift (`swift package dump-package`) and the `import` lines of every target's Swift
files. It fails on:
- a target the table does not list, or a table row with no target;
- a dependency on one of this package's modules that the table does not allow;
- an import of one of this package's modules that the target does not list in Package.swift;
- whatever the table says, an edge of a forbidden kind: a service or tool using a service or a
  tool, a library using a service, a tool, a test or a store, a store using another store, a
  service using a store it does not own (kind `store of <Service>`), or Messaging, MQTTWire or
  OctoBotFormats using Models.

`--self-test` adds forbidden edges to the real graph and fails unless each one is reported, so
the check is known to bite.

Usage: deploy/check-architecture.py [--self-test]
"""
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KINDS = {"library", "store", "service", "tool", "test"}
# (user kind, used kind) pairs that no table may allow.
FORBIDDEN_KINDS = {
    ("service", "service"), ("service", "tool"), ("service", "test"),
    ("tool", "service"), ("tool", "tool"), ("tool", "test"),
    ("library", "service"), ("library", "tool"), ("library", "test"), ("library", "store"),
    ("store", "service"), ("store", "tool"), ("store", "test"), ("store", "store"),
}
# Each store's owning service, from the table.
OWNERS = {}
# Modules that must stay free of the domain.
DOMAIN_FREE = {"Messaging", "MQTTWire", "OctoBotFormats"}


def read_table():
    text = open(os.path.join(ROOT, "docs", "ARCHITECTURE.md"), encoding="utf-8").read()
    match = re.search(r"<!-- module-graph.*?-->(.*?)<!-- end of module-graph -->", text, re.S)
    if not match:
        sys.exit("check-architecture: docs/ARCHITECTURE.md has no module-graph table")
    table = {}
    for line in match.group(1).strip().splitlines()[2:]:
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        module, kind, uses = cells[0], cells[1], cells[2]
        # A store's kind names its owner: "store of Accounts".
        kind, _, owner = kind.partition(" of ")
        if kind not in KINDS or bool(owner) != (kind == "store"):
            sys.exit(f"check-architecture: {module}: unknown kind {kind!r}")
        table[module] = (kind, {name.strip() for name in uses.split(",") if name.strip()})
        if owner:
            OWNERS[module] = owner
    return table


def read_package():
    """Each target: (path, the package's own modules it depends on)."""
    dump = json.loads(subprocess.run(["swift", "package", "dump-package"], cwd=ROOT, check=True, capture_output=True, text=True).stdout)
    targets = {}
    for target in dump["targets"]:
        local = set()
        for dependency in target["dependencies"]:
            kind, value = next(iter(dependency.items()))
            if kind in ("target", "byName"):
                local.add(value[0])
        default = ("Tests/" if target["type"] == "test" else "Sources/") + target["name"]
        targets[target["name"]] = (target.get("path") or default, local)
    return targets


def imports(path, modules):
    """The package modules imported by the Swift files under `path`, with a file for each."""
    found = {}
    for folder, _, files in os.walk(os.path.join(ROOT, path)):
        for name in files:
            if not name.endswith(".swift"):
                continue
            file = os.path.join(folder, name)
            for line in open(file, encoding="utf-8"):
                match = re.match(r"\s*(?:@[\w]+(?:\([^)]*\))?\s+|(?:public|internal|package|private|fileprivate)\s+)*import\s+(?:(?:struct|enum|class|protocol|typealias|func|var|let)\s+)?(\w+)", line)
                if match and match.group(1) in modules:
                    found.setdefault(match.group(1), os.path.relpath(file, ROOT))
    return found


def problems(table, targets, imported):
    found = []
    for name in sorted(set(targets) - set(table)):
        found.append(f"{name}: a target docs/ARCHITECTURE.md does not list")
    for name in sorted(set(table) - set(targets)):
        found.append(f"{name}: listed in docs/ARCHITECTURE.md but not a target")
    for name, (kind, allowed) in sorted(table.items()):
        for used in sorted(allowed):
            if used not in table:
                found.append(f"{name}: the table lets it use {used}, which is not a module")
            elif (kind, table[used][0]) in FORBIDDEN_KINDS:
                found.append(f"{name} ({kind}) may never use {used} ({table[used][0]})")
            elif kind == "service" and used in OWNERS and OWNERS[used] != name:
                found.append(f"{name} may never use {used}: it holds {OWNERS[used]}'s tables")
            if name in DOMAIN_FREE and used == "Models":
                found.append(f"{name} must not use the domain (Models)")
        if name not in targets:
            continue
        _, uses = targets[name]
        for used in sorted(uses - allowed):
            found.append(f"{name} -> {used}: an edge docs/ARCHITECTURE.md does not allow")
        for module, file in sorted(imported.get(name, {}).items()):
            if module != name and module not in uses:
                found.append(f"{file}: imports {module}, which {name} does not list in Package.swift")
    return found


def main():
    table = read_table()
    targets = read_package()
    imported = {name: imports(path, set(targets)) for name, (path, _) in targets.items()}
    found = problems(table, targets, imported)
    for line in found:
        print(f"check-architecture: {line}")
    if found:
        sys.exit(1)
    print(f"check-architecture: {len(targets)} targets, {sum(len(uses) for _, uses in targets.values())} edges to the package's own modules, all allowed")
    if "--self-test" in sys.argv:
        self_test(table, targets, imported)


def self_test(table, targets, imported):
    """Each forbidden edge, added to the real graph alone, must be reported."""
    cases = [
        ("SignalRelay", "Profiles", "a service using another service"),
        ("Messaging", "Models", "Messaging using the domain"),
        ("Models", "ServiceKit", "a library using a module the table does not allow"),
        ("ServiceKit", "Accounts", "a library using a service"),
        ("SignalRelay", "StrategyStore", "a service using another service's tables"),
        ("ServiceKit", "AccountsStore", "a library using a store"),
        ("SignalStore", "StrategyStore", "a store using another store"),
    ]
    for user, used, what in cases:
        path, uses = targets[user]
        edited = dict(targets)
        edited[user] = (path, uses | {used})
        if not problems(table, edited, imported):
            sys.exit(f"check-architecture: self-test: {what} ({user} -> {used}) was not reported")
        widened = dict(table)
        widened[user] = (table[user][0], table[user][1] | {used})
        if user != "Models" and not problems(widened, edited, imported):
            sys.exit(f"check-architecture: self-test: {what} ({user} -> {used}) passed once the table allowed it")
    stray = {name: dict(found) for name, found in imported.items()}
    stray["Web"] = {**stray.get("Web", {}), "Messaging": "Services/Web/(added)"}
    if not problems(table, targets, stray):
        sys.exit("check-architecture: self-test: an import the target does not list was not reported")
    print(f"check-architecture: self-test: {len(cases)} forbidden edges and 1 stray import, each reported")


if __name__ == "__main__":
    main()
