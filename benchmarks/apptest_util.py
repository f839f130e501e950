"""AppTest set-up shared by the benchmarks (not by the tests)."""

from __future__ import annotations


def share_script_cache() -> None:
    """AppTest compiles app.py and the page anew on every run (a fresh ScriptCache each time, with Streamlit's
    magic AST pass: up to ~150 ms for a long page); a server compiles each script once per process. Give
    AppTest one shared cache, so a warm rerun measures what a server does."""
    import streamlit.testing.v1.app_test as app_test
    import streamlit.testing.v1.local_script_runner as local_runner
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache

    shared = ScriptCache()
    app_test.ScriptCache = local_runner.ScriptCache = lambda: shared
