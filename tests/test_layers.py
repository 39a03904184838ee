"""The package's layers (docs/architecture.md): a module imports only from its own layer or the layers
before it, there is no circle among the modules, and imports sit at the top of a module except for the
few slow libraries one step needs (issue 16)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "evalreport"
LAYERS = (
    ("foundation", {"__init__", "errors", "files", "yamlfile", "formatting", "words", "resources"}),
    ("inputs", {"config", "regions", "readers", "datasets", "project", "casestore", "stores", "ssb", "klassrefresh"}),
    ("analysis", {"indicators", "summary", "effect", "methods", "chapters"}),
    ("presentation", {"exhibits", "tables", "figures", "chapter"}),
    ("build", {"pipeline"}),
    ("commands", {"commands"}),
    ("entry", {"cli", "__main__"}),
)
LAYER = {top: n for n, (_, tops) in enumerate(LAYERS) for top in tops}
# Slow to import and needed by one step each: imported where they are used, with a comment.
LATE = ("weasyprint", "scipy", "distributed", "dask")


def module_names() -> set[str]:
    found = set()
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        found.add(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return found


MODULE_NAMES = module_names()


def modules() -> dict[str, ast.Module]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = ast.parse(path.read_text(encoding="utf-8"))
    return found


def top_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def imported(tree: ast.Module, module: str) -> list[tuple[str, int, bool]]:
    """(module imported, line, inside a function) for every import of evalreport in `tree`."""
    found = []
    inside = {id(node) for function in ast.walk(tree) if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef))
              for node in ast.walk(function)}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("evalreport"):
            # `from evalreport.pipeline import marks` imports the module evalreport.pipeline.marks
            names = [f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in MODULE_NAMES else node.module
                     for a in node.names]
            found += [(name, node.lineno, id(node) in inside) for name in names]
        elif isinstance(node, ast.Import):
            found += [(a.name, node.lineno, id(node) in inside) for a in node.names if a.name.startswith("evalreport")]
    return found


MODULES = modules()


def test_every_module_has_a_layer():
    assert sorted({top_of(m) for m in MODULES} - set(LAYER)) == []


def test_no_module_imports_from_a_later_layer():
    wrong = [f"{module}:{line} imports {target} ({LAYERS[LAYER[top_of(target)]][0]}) from the "
             f"{LAYERS[LAYER[top_of(module)]][0]} layer"
             for module, tree in MODULES.items() for target, line, _ in imported(tree, module)
             if top_of(target) in LAYER and LAYER[top_of(target)] > LAYER[top_of(module)]]
    assert wrong == []


def test_there_is_no_circle_among_the_modules():
    graph = {module: {target for target, _, _ in imported(tree, module) if target in MODULES and target != module}
             for module, tree in MODULES.items()}
    state, circles = {}, []

    def visit(module, path):
        state[module] = "open"
        for target in sorted(graph[module]):
            if state.get(target) == "open":
                circles.append(" -> ".join([*path[path.index(target):], target]))
            elif target not in state:
                visit(target, [*path, target])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert circles == []


def test_imports_inside_functions_are_only_the_slow_libraries_and_the_commands():
    inside = []
    for module, tree in MODULES.items():
        for function in (n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))):
            for node in ast.walk(function):
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0:
                    names = [node.module or ""]
                else:
                    continue
                for name in names:
                    late = name.split(".")[0] in LATE
                    command = module == "evalreport.cli" and name.startswith("evalreport.commands")
                    if not (late or command):
                        inside.append(f"{module}:{node.lineno} {name}")
    assert inside == []


@pytest.mark.parametrize("wrong", ["evalreport.pipeline.build"])
def test_the_layer_check_can_fail(wrong):
    # Shows the check above sees a wrong import: a foundation module importing the build.
    tree = ast.parse(f"from {wrong} import build_report\n")
    assert [t for t, _, _ in imported(tree, "evalreport.errors")] == [wrong]
    assert LAYER[top_of(wrong)] > LAYER[top_of("evalreport.errors")]
