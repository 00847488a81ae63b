"""The project's shape: layers one way (import-linter), no import cycles among its modules, no
private names borrowed across modules, and modules short enough to read."""

import ast
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("coop", "membership", "voting", "surplus", "meetings")
MAX_LINES = 400


def project_modules():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def strongly_connected(graph) -> list[list[str]]:
    """Tarjan's algorithm: the groups of modules that import each other in a ring."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []
    counter = iter(range(10**9))

    def visit(module):
        index[module] = low[module] = next(counter)
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return found


def test_no_import_cycles_among_project_modules():
    graph = grimp.build_graph(*PACKAGES, cache_dir=None)
    assert strongly_connected(graph) == []


def test_cycle_finder_finds_a_planted_cycle():
    """The check above can fail: a ring of three modules is found."""
    graph = grimp.ImportGraph()
    for importer, imported in [("a.x", "a.y"), ("a.y", "a.z"), ("a.z", "a.x"), ("a.z", "a.w")]:
        graph.add_import(importer=importer, imported=imported)
    assert strongly_connected(graph) == [["a.x", "a.y", "a.z"]]


def test_layers_contract_holds():
    """`lint-imports` (also in `make lint`): coop -> membership -> voting -> surplus | meetings."""
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def private_names_borrowed(path: Path, root: Path = ROOT) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    return [f"{path.relative_to(root)}:{node.lineno} imports {alias.name} from {node.module}"
            for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
            for alias in node.names
            if alias.name.startswith("_") and not alias.name.startswith("__")]


def test_no_private_names_imported_from_other_modules():
    borrowed = [line for path in project_modules() for line in private_names_borrowed(path)]
    assert borrowed == []


def test_private_name_check_sees_a_borrowed_name(tmp_path):
    module = tmp_path / "x.py"
    module.write_text("from voting.tally import _weights\n")
    assert private_names_borrowed(module, tmp_path) == [
        "x.py:1 imports _weights from voting.tally"]


@pytest.mark.parametrize("package", PACKAGES)
def test_modules_stay_readable(package):
    long = {str(path.relative_to(ROOT)): n for path in project_modules()
            if path.parts[len(ROOT.parts)] == package
            and (n := len(path.read_text().splitlines())) > MAX_LINES}
    assert long == {}, f"split these into smaller modules: {long}"
