"""Run every benchmark and write BENCHMARKS.md (numbers measured here, never typed in).

    .venv/bin/python -m benchmarks            # curated catalog, 10k and 100k synthetic models (a few minutes)
    .venv/bin/python -m benchmarks --quick    # curated + 1k synthetic, no browser: a fast check
    options: --no-browser  --sizes 1k,10k  --out PATH

Each catalog is measured in its own process (benchmarks/dataset.py): cold load + validate, cached load (Parquet),
every page through AppTest (first run; rerun after a sidebar filter change) against the floor page
(benchmarks/floor_page.py: cached frame + one figure with as many points), plotly payload per page, server RSS after
visiting every page in Chromium, and time to the first painted chart for Home and Size vs score vs a bare page.
Machines are noisy: the load average at start and end is printed next to the numbers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.apptest_util import FIRST_CHART_ROUNDS, RERUNS
from benchmarks.synthetic import SIZES, synthetic_dir

PY = sys.executable
LOAD_JSON = ROOT / "benchmarks" / "results" / "load.json"

# Budgets (issue 8), in seconds / bytes / MB.
CURATED_RERUN_S, CURATED_FLOOR_RATIO = 0.150, 1.5
BIG_CACHED_S, BIG_COLD_S, BIG_SIZE_RERUN_S, BIG_PAYLOAD, BIG_TL_LIC_S = 0.5, 10.0, 1.5, 5_000_000, 2.0
BROWSER_RATIO, RSS_BIG_MB, RSS_CURATED_MB = 1.3, 1024, 400


def machine() -> dict:
    mem = next((ln.split()[1] for ln in Path("/proc/meminfo").read_text().splitlines() if ln.startswith("MemTotal")), "?")
    cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                if ln.startswith("model name")), platform.processor())
    import streamlit

    return {"nproc": subprocess.run(["nproc"], capture_output=True, text=True, check=False).stdout.strip(),
            "cpu": cpu, "mem_gb": round(int(mem) / 1024 / 1024, 1), "python": platform.python_version(),
            "streamlit": streamlit.__version__, "date": dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
            "load_avg": os.getloadavg()}


def run_dataset(name: str, data_dir: Path, browser: bool, extra: list[str]) -> dict:
    out = Path(tempfile.mkstemp(prefix=f"atlas-bench-{name}-", suffix=".json")[1])
    args = [PY, "-m", "benchmarks.dataset", str(data_dir), str(out), *extra] + ([] if browser else ["--no-browser"])
    print(f"[{name}] measuring {data_dir} ...", flush=True)
    t = time.perf_counter()
    proc = subprocess.run(args, cwd=ROOT, stdout=subprocess.PIPE, stderr=None, text=True, check=False)
    res = json.loads(out.read_text()) if out.stat().st_size else {}
    out.unlink(missing_ok=True)
    res["name"], res["wall_s"] = name, time.perf_counter() - t
    if proc.returncode:
        res["error"] = f"exit code {proc.returncode} (see the log above)"
    print(f"[{name}] done in {res['wall_s']:.0f} s" + (f" ({res['error']})" if proc.returncode else ""), flush=True)
    return res


def moe() -> str:
    p = subprocess.run([PY, str(ROOT / "benchmarks" / "moe_bench.py")], cwd=ROOT, capture_output=True, text=True, check=False)
    return (p.stdout + p.stderr).strip()


# ---------------------------------------------------------------- report
def ms(x) -> str:
    return "—" if not isinstance(x, (int, float)) else f"{x * 1000:,.0f} ms"


def sec(x) -> str:
    return "—" if not isinstance(x, (int, float)) else f"{x:,.2f} s"


def mark(ok: bool | None) -> str:
    return "—" if ok is None else ("met" if ok else "**NOT met**")


def budgets(results: list[dict]) -> list[tuple[str, str, bool | None]]:
    rows: list[tuple[str, str, bool | None]] = []
    by = {r["name"]: r for r in results}
    cur = by.get("curated")
    if cur and cur.get("pages"):
        for url, p in cur["pages"].items():
            r, f = p.get("rerun_s"), p.get("floor_rerun_s")
            # Two budgets, two rows: the time, and the ratio to the floor (one figure, no app frame).
            rows.append((f"curated · {url} rerun ≤ 150 ms", ms(r),
                         r <= CURATED_RERUN_S if isinstance(r, float) else None))
            rows.append((f"curated · {url} rerun ≤ 1.5× floor",
                         f"{r / f if r and f else float('nan'):.2f}× (floor {ms(f)})",
                         r <= CURATED_FLOOR_RATIO * f if isinstance(r, float) and isinstance(f, float) else None))
        moe = cur["pages"].get("moe", {}).get("rerun_s")
        if isinstance(moe, float):
            rows.append(("curated · MoE page rerun after a widget change ≤ 300 ms (issue 4)", ms(moe), moe <= 0.3))
        if cur.get("browser", {}).get("rss_after_all_pages_mb"):
            v = cur["browser"]["rss_after_all_pages_mb"]
            rows.append(("curated · server RSS after every page ≤ 400 MB", f"{v:,.0f} MB", v <= RSS_CURATED_MB))
    big = by.get("100k")
    if big:
        rows.append(("100k · cached load ≤ 0.5 s", sec(big.get("cached_load_s")),
                     big.get("cached_load_s", 99) <= BIG_CACHED_S))
        rows.append(("100k · cold load + validate ≤ 10 s", f"{sec(big.get('cold_load_s'))} ({big.get('fast_parser')})",
                     big.get("cold_load_s", 99) <= BIG_COLD_S))
        pages = big.get("pages", {})
        size = pages.get("size", {})
        rows.append(("100k · size-vs-score rerun ≤ 1.5 s", sec(size.get("rerun_s")),
                     size.get("rerun_s", 99) <= BIG_SIZE_RERUN_S if size else None))
        for url, p in pages.items():
            rows.append((f"100k · {url} figure payload ≤ 5 MB", f"{p.get('payload_bytes', 0) / 1e6:,.2f} MB",
                         p.get("payload_bytes", 0) <= BIG_PAYLOAD))
        for url in ("timeline", "licenses"):
            p = pages.get(url, {})
            worst = max(p.get("first_s", 99), p.get("rerun_s", 99)) if p else None
            rows.append((f"100k · {url} first run and rerun ≤ 2 s", f"{sec(p.get('first_s'))} / {sec(p.get('rerun_s'))}",
                         worst <= BIG_TL_LIC_S if worst is not None else None))
        if big.get("browser", {}).get("rss_after_all_pages_mb"):
            v = big["browser"]["rss_after_all_pages_mb"]
            rows.append(("100k · server RSS after every page ≤ 1 GB", f"{v:,.0f} MB", v <= RSS_BIG_MB))
    for r in results:
        fc = r.get("browser", {}).get("first_chart_s")
        if fc:
            base = fc.get("bare")
            for page in ("home", "size"):
                if not fc.get(page) or not base:
                    rows.append((f"{r['name']} · browser first chart, {page} ≤ 1.3× bare page", "no chart", False))
                    continue
                rows.append((f"{r['name']} · browser first chart, {page} ≤ 1.3× bare page",
                             f"{sec(fc[page])} vs {sec(base)} ({fc[page] / base:.2f}×)", fc[page] <= BROWSER_RATIO * base))
    return rows


def report(results: list[dict], mach: dict, moe_text: str, args) -> str:
    L = ["# Benchmarks", "",
         (f"Written by `python -m benchmarks{' --quick' if args.quick else ''}` on {mach['date']} — every number "
          "below is measured by that run (do not edit by hand)."), "",
         (f"**Machine:** {mach['nproc']} CPUs ({mach['cpu']}), {mach['mem_gb']} GB RAM, Python {mach['python']}, "
          f"Streamlit {mach['streamlit']}. Load average at start: {', '.join(f'{x:.2f}' for x in mach['load_avg'])} "
          "(other processes inflate wall times; compare ratios measured in the same run)."), ""]
    L += ["## Catalog load", "",
          ("| catalog | models | scores | cold load + validate | same, PyYAML only | careful path (line-tracking) "
           "| cached load (Parquet) | load avg |"), "|---|---:|---:|---:|---:|---:|---:|---|"]
    for r in results:
        la = r.get("load_avg_start")
        L.append(f"| {r['name']} | {r.get('models', '—'):,} | {r.get('scores', 0):,} | {sec(r.get('cold_load_s'))} "
                 f"({r.get('fast_parser', '?')}) | {sec(r.get('cold_load_pyyaml_s'))} | {sec(r.get('cold_load_careful_s'))} "
                 f"| {sec(r.get('cached_load_s'))} ({r.get('cached_status', '?')}) | "
                 f"{la[0]:.1f} |" if la else "|")
    L += ["", "## Pages (AppTest script runs; the floor draws one figure with the same number of points)", ""]
    for r in results:
        if not r.get("pages"):
            continue
        L += [f"### {r['name']} ({r.get('models', 0):,} models)", "",
              ("| page | first run | rerun after filter (median) | worst rerun | back to the first view | floor first "
               "| floor rerun | rerun / floor | points | payload |"),
              "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for url, p in r["pages"].items():
            ratio = p["rerun_s"] / p["floor_rerun_s"] if p.get("rerun_s") and p.get("floor_rerun_s") else None
            err = f" ⚠ {p.get('error') or p.get('exception')}" if p.get("error") or p.get("exception") else ""
            L.append(f"| {url}{err} | {ms(p.get('first_s'))} | {ms(p.get('rerun_s'))} | {ms(p.get('rerun_max_s'))} "
                     f"| {ms(p.get('rerun2_s'))} "
                     f"| {ms(p.get('floor_first_s'))} "
                     f"| {ms(p.get('floor_rerun_s'))} | {'—' if ratio is None else f'{ratio:.1f}×'} "
                     f"| {p.get('points', 0):,} | {p.get('payload_bytes', 0) / 1e3:,.0f} kB |")
        L.append("")
    L += [(f"*Rerun after filter*: the median of {RERUNS} reruns, each with a sidebar filter never seen before (the "
           "architecture filter, then the date range's start moved month by month), so every chart is built; "
           f"*worst rerun*: the slowest of them; the floor's rerun is the median of {RERUNS} too. *Back to "
           "the first view*: the filter removed again; charts already built for those rows and options come from "
           "the server-wide chart cache (components/ui/memo.py), as for the next visitor on a default view."), ""]
    L += ["## Server and browser", "",
          ("| catalog | RSS at start | RSS after every page | bare page: first chart | Home: first chart | "
           "Size vs score: first chart |"), "|---|---:|---:|---:|---:|---:|"]
    for r in results:
        b = r.get("browser")
        if not b:
            if r.get("browser_error"):
                L.append(f"| {r['name']} | browser run failed: {r['browser_error'][:120]} | | | | |")
            continue
        fc = b.get("first_chart_s", {})
        L.append(f"| {r['name']} | {b.get('rss_start_mb', 0):,.0f} MB | {b.get('rss_after_all_pages_mb', 0):,.0f} MB "
                 f"| {sec(fc.get('bare'))} | {sec(fc.get('home'))} | {sec(fc.get('size'))} |")
    L += ["", ("Time to first chart: navigation until a Plotly chart's SVG exists; the median of "
                f"{FIRST_CHART_ROUNDS} rounds over the three pages (bare, Home, Size vs score), each visit in a fresh "
                "browser context; Chromium headless with software rendering, server caches warm."), ""]
    L += ["## Budgets (issue 8)", "", "| budget | measured | |", "|---|---|---|"]
    L += [f"| {b} | {m} | {mark(ok)} |" for b, m, ok in budgets(results)]
    L += ["", "## MoE simulator (benchmarks/moe_bench.py)", "", "```", moe_text, "```", ""]
    if LOAD_JSON.exists():
        L += ["## Load test (benchmarks/results/load.json)", ""]
        try:
            data = json.loads(LOAD_JSON.read_text())
            L += ["Written by the load-test script (not by this run); long series left out.", "", "```json",
                  json.dumps({k: v for k, v in data.items() if not (isinstance(v, list) and len(v) > 5)},
                             indent=1, default=str)[:5000], "```", ""]
        except ValueError as e:
            L += [f"(unreadable: {e})", ""]
    L += [f"Raw results: `benchmarks/results/{'latest-quick.json' if args.quick else 'latest.json'}`.", ""]
    return "\n".join(L)


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m benchmarks")
    ap.add_argument("--quick", action="store_true", help="curated + 1k synthetic, no browser")
    ap.add_argument("--no-browser", action="store_true")
    ap.add_argument("--sizes", default=None, help="synthetic sizes, e.g. 10k,100k")
    ap.add_argument("--out", default=str(ROOT / "BENCHMARKS.md"))
    args = ap.parse_args()
    sizes = (args.sizes or ("1k" if args.quick else "10k,100k")).split(",")
    browser = not (args.quick or args.no_browser)
    mach = machine()
    results = [run_dataset("curated", ROOT / "data", browser, [])]
    for s in filter(None, sizes):
        n = SIZES[s]
        t = time.perf_counter()
        d = synthetic_dir(n)
        print(f"[{s}] synthetic catalog ready in {time.perf_counter() - t:.0f} s: {d}", flush=True)
        results.append(run_dataset(s, d, browser, ["--no-careful", "--no-pyyaml"] if n > 10_000 else []))
    moe_text = moe()
    res_dir = ROOT / "benchmarks" / "results"
    res_dir.mkdir(exist_ok=True)
    raw = res_dir / ("latest-quick.json" if args.quick else "latest.json")
    raw.write_text(json.dumps({"machine": mach, "results": results}, indent=1, default=str))
    text = report(results, mach, moe_text, args)
    Path(args.out).write_text(text)
    print(text)


if __name__ == "__main__":
    main()
