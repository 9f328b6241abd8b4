#!/usr/bin/env python3
"""Checks the module graph declared in CMakeLists.txt (jingban_module calls): no cycles, and every
`#include "<module>/…"` in src/<module>/ names a module it depends on (directly or through a
dependency). Usage: check_modules.py CMakeLists.txt src/"""
import os
import re
import sys


def declared(cmake_text):
    graph, dirs = {}, {}
    for m in re.finditer(r"jingban_module\(([^)]*)\)", cmake_text):
        words = m.group(1).split()
        name = words[0]
        deps, folder, mode = [], name, None
        for w in words[1:]:
            if w in ("PUBLIC", "PRIVATE", "DIR"):
                mode = w
            elif mode == "DIR":
                folder = w
            elif w.startswith("jingban_"):
                deps.append(w[len("jingban_"):])
        graph[name], dirs[name] = deps, folder
    return graph, dirs


def find_cycle(graph):
    state = {}

    def visit(n, path):
        state[n] = 1
        for d in graph.get(n, []):
            if state.get(d) == 1:
                return path + [n, d]
            if d not in state:
                c = visit(d, path + [n])
                if c:
                    return c
        state[n] = 2
        return None

    for n in graph:
        if n not in state:
            c = visit(n, [])
            if c:
                return c
    return None


def closure(graph, n):
    seen, frontier = set(), list(graph.get(n, []))
    while frontier:
        d = frontier.pop()
        if d not in seen:
            seen.add(d)
            frontier.extend(graph.get(d, []))
    return seen


def main():
    graph, dirs = declared(open(sys.argv[1], encoding="utf-8").read())
    problems = []
    cycle = find_cycle(graph)
    if cycle:
        problems.append("cycle in the module graph: " + " -> ".join(cycle))
    folder_to_module = {v: k for k, v in dirs.items()}
    src = sys.argv[2]
    for name, folder in dirs.items():
        allowed = closure(graph, name) | {name}
        allowed_dirs = {dirs[a] for a in allowed if a in dirs}
        base = os.path.join(src, folder)
        for f in sorted(os.listdir(base)):
            path = os.path.join(base, f)
            if not os.path.isfile(path):
                continue
            for i, line in enumerate(open(path, encoding="utf-8"), 1):
                m = re.match(r'#include "([a-z_/]+)/[a-z_0-9]+\.hpp"', line)
                if m and m.group(1) in folder_to_module and m.group(1) not in allowed_dirs:
                    problems.append("%s:%d: module %s includes %s, which it does not depend on"
                                    % (path, i, name, m.group(1)))
    for p in problems:
        print(p)
    print("module graph: %d modules, %s" % (len(graph), "OK" if not problems else "%d problems" % len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
