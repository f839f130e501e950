"""Architecture rules as tests: only app.py, pages/ and components/ui/ import streamlit; no HTML
built from data; no network or Hub import from page code."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ALLOWED_STREAMLIT = ("app.py", "pages/", "components/ui/")


def python_files():
    for path in sorted(ROOT.glob("**/*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith((".venv", "tests/", "benchmarks/", "scripts/")) or "/." in rel:
            continue
        yield rel, ast.parse(path.read_text(), filename=rel)


def imported_modules(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


def test_only_ui_layers_import_streamlit():
    offenders = [rel for rel, tree in python_files()
                 if any(m == "streamlit" or m.startswith("streamlit.") for m in imported_modules(tree))
                 and not rel.startswith(ALLOWED_STREAMLIT)]
    assert offenders == []


def test_no_unsafe_html_and_only_literal_st_html():
    for rel, tree in python_files():
        for node in ast.walk(tree):
            if isinstance(node, ast.keyword) and node.arg == "unsafe_allow_html":
                raise AssertionError(f"{rel}: unsafe_allow_html")
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "html":
                arg = node.args[0] if node.args else None
                literal = isinstance(arg, ast.Constant) or (
                    isinstance(arg, ast.BinOp) and all(isinstance(x, ast.Constant) for x in (arg.left, arg.right)))
                assert literal, f"{rel}:{node.lineno}: st.html with a non-literal argument"


def test_pages_never_touch_the_hub_or_the_network():
    for rel, tree in python_files():
        if not rel.startswith(("pages/", "app.py", "components/ui/", "components/charts/")):
            continue
        mods = set(imported_modules(tree))
        bad = {m for m in mods if m.split(".")[0] in {"huggingface_hub", "requests", "httpx", "httpx2", "urllib3"}
               or m.startswith("components.hub.sync") or m.startswith("components.hub.client")}
        assert not bad, f"{rel} imports {bad}"

