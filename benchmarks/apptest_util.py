"""AppTest set-up shared by the benchmarks (not by the tests)."""

from __future__ import annotations

# Reruns after a filter change per page, each with a filter never seen before (every chart is built): one rerun is
# too noisy on a shared 2-core machine, so the report gives their median and the worst.
RERUNS = 5
# Browser time to first chart: rounds over the bare page, Home and Size vs score (a slow spell hits all alike).
FIRST_CHART_ROUNDS = 7


def share_script_cache() -> None:
    """AppTest compiles app.py and the page anew on every run (a fresh ScriptCache each time, with Streamlit's
    magic AST pass: up to ~150 ms for a long page); a server compiles each script once per process. Give
    AppTest one shared cache, so a warm rerun measures what a server does."""
    import streamlit.testing.v1.local_script_runner as local_runner
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test

    shared = ScriptCache()
    app_test.ScriptCache = local_runner.ScriptCache = lambda: shared
