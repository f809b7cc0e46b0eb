"""The shape ARCHITECTURE.md promises, checked from the source: no import cycles, no module
over 400 lines, the core never imports its hosts, backends never import image code."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "pressroom"
HOSTS = ("cli", "commands", "api", "console", "aws", "batch")
CORE = (
    "ingest", "tags", "curate", "products", "render", "preflight", "books", "designs", "text",
    "printers", "printjobs", "photos", "steps", "reasons", "ids", "formats", "imaging", "config",
)  # fmt: skip
BACKENDS = ("storage", "catalogue")
IMAGE_LIBS = ("pyvips", "PIL", "numpy", "cv2", "pillow_heif", "simplejpeg", "dlib")
MAX_LINES = 400


def _module(path: Path) -> str:
    rel = path.relative_to(ROOT.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module(p): p for p in ROOT.rglob("*.py")}


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """Modules of pressroom this module imports (at any level, TYPE_CHECKING excluded)."""
    tree = ast.parse(path.read_text(), str(path))
    is_pkg = path.name == "__init__.py"
    package = name if is_pkg else name.rpartition(".")[0]
    out: set[str] = set()

    def add(target: str) -> None:
        while target and target not in known:
            target = target.rpartition(".")[0]
        if target and target != name:
            out.add(target)

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for n in node.orelse:
                visit(n)
            return
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name.startswith("pressroom"):
                    add(a.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            if mod.startswith("pressroom"):
                add(mod)  # "from pkg import mod" runs pkg/__init__.py: count it
                for a in node.names:
                    full = f"{mod}.{a.name}"
                    add(full if full in known else mod)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return out


def _graph() -> dict[str, set[str]]:
    mods = _modules()
    known = set(mods)
    # Explicit imports only: the implicit "pressroom.a.b runs pressroom/a/__init__.py first"
    # edge is how packages work, not a cycle of ours; an __init__ that imports a module
    # which imports that __init__'s names back is one, and is caught.
    return {m: _imports(m, p, known) for m, p in mods.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components of more than one module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def strong(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    import sys

    sys.setrecursionlimit(10_000)
    for v in graph:
        if v not in index:
            strong(v)
    return out


def _top(mod: str) -> str:
    parts = mod.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_no_import_cycles() -> None:
    assert _cycles(_graph()) == []


def test_no_module_over_400_lines() -> None:
    sizes = {m: len(p.read_text().splitlines()) for m, p in _modules().items()}
    long = {m: n for m, n in sizes.items() if n > MAX_LINES}
    assert long == {}


def test_core_never_imports_hosts() -> None:
    bad = {
        (m, d)
        for m, deps in _graph().items()
        if _top(m) in CORE
        for d in deps
        if _top(d) in HOSTS
    }
    assert bad == set()


def test_backends_know_nothing_of_images() -> None:
    bad = []
    for m, p in _modules().items():
        if _top(m) not in BACKENDS:
            continue
        for node in ast.walk(ast.parse(p.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                names = [node.module or ""]
            bad += [(m, n) for n in names if n.split(".")[0] in IMAGE_LIBS]
    assert bad == []
