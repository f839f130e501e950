"""Benchmark (not a test): DeepSeek-V3 preset, 4,096 tokens routed through all 61 layers (58 MoE).

    .venv/bin/python benchmarks/moe_bench.py

Prints the best-of-N wall time and CPU time, with and without the auxiliary-loss statistics (the mean
softmax over all 256 experts, which the sigmoid router itself does not need).
"""

from __future__ import annotations

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np

from components.sim.moe import bias_balancing, load_presets, simulate_routing


def best_of(fn, n: int = 5) -> tuple[float, float]:
    walls, cpus = [], []
    for _ in range(n):
        w, c = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return min(walls), min(cpus)


def main() -> None:
    preset = load_presets()["deepseek-v3"]
    st = preset.settings
    simulate_routing(st, np.random.default_rng(0), n_tokens=64)          # warm-up
    print(f"DeepSeek-V3 preset: {st.n_layers} layers ({int(st.is_moe.sum())} MoE), {st.n_experts} experts, "
          f"top-{st.top_k}, {st.n_groups} groups / {st.topk_groups} kept; 4,096 tokens; {os.cpu_count()} CPUs")
    for aux in (False, True):
        w, c = best_of(lambda: simulate_routing(st, np.random.default_rng(0), n_tokens=4096, aux_stats=aux))
        print(f"  simulate_routing(aux_stats={aux!s:5}): best wall {w * 1000:7.1f} ms   cpu {c * 1000:7.1f} ms")
    w, c = best_of(lambda: bias_balancing(st, np.random.default_rng(0), steps=100, tokens_per_step=1024), n=3)
    print(f"  bias_balancing(100 steps x 1,024 tokens): best wall {w * 1000:7.1f} ms   cpu {c * 1000:7.1f} ms")
    page_rerun()
    print(f"  load average: {os.getloadavg()[0]:.2f} (other processes inflate wall time)")


def page_rerun() -> None:
    """The MoE page in the app (AppTest, warm), default input: rerun after a widget change that needs a new
    simulation (locality), median of 5 distinct values. Scripts are compiled once, as on a server."""
    from streamlit.testing.v1 import AppTest

    from benchmarks.apptest_util import share_script_cache

    share_script_cache()
    app = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "app.py")
    at = AppTest.from_file(app, default_timeout=120).run()
    at.switch_page("pages/moe.py")
    at.run()
    walls = []
    for v in (0.3, 0.4, 0.5, 0.7, 0.8):
        at.slider(key="moe_locality").set_value(v)
        t = time.perf_counter()
        at.run()
        walls.append(time.perf_counter() - t)
    walls.sort()
    print(f"  MoE page rerun after a widget change (new simulation, Mixtral preset, AppTest warm): "
          f"median {walls[2] * 1000:.0f} ms, best {walls[0] * 1000:.0f} ms{' ⚠ ' + str(at.exception) if at.exception else ''}")


if __name__ == "__main__":
    main()
