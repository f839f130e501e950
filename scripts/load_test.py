"""Load test: N concurrent sessions change filters and switch pages against a local server; reports
rerun latency, errors and the server's memory growth. Loopback only, bounded in time and count.

    .venv/bin/python scripts/load_test.py                    # 20 sessions, 60 s, websocket client
    .venv/bin/python scripts/load_test.py --client browser   # 20 Chromium pages (one browser, 20 contexts)

Clients
- ``ws`` (default): each session is a websocket client speaking Streamlit's own protocol (BackMsg /
  ForwardMsg protobufs on /_stcore/stream), exactly what the browser sends: a rerun request with the
  page's script hash, the current query string and the widget states. It does all the server work of a
  browser session (script runs, deltas, Arrow tables, Plotly specs) without drawing anything, which is
  what a 2-core machine can afford for 20 sessions.
- ``browser``: Playwright (asyncio API), one Chromium, one context per session; clicks sidebar links and
  the Architecture filter. Latency is read from the same websocket frames inside the browser. On a
  2-core machine 20 Chromium renderers measure the browser more than the server.

Latency of a rerun = from sending the interaction to the server's ``script_finished`` message.
Errors = exception boxes (``stException``), ``st.error`` boxes, runs that did not finish successfully,
disconnects, timeouts, browser console errors (browser client, offline noise excluded).
Memory = VmRSS of the server process from /proc/<pid>/status: at start, after every session's first
load, after warm-up (--warmup-reruns more reruns, so each page's caches are filled once) and at the
end; growth is measured from warm-up to the end, plus a least-squares slope (KiB per 100 reruns) over
the samples of the active phase. If fewer than --min-reruns reruns happened after warm-up when
--seconds is over, the run continues until it has them or --max-seconds (whole run) is reached.
Latency percentiles cover the active phase only. Results: benchmarks/results/load.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import re
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, start_streamlit, stop

OUT = ROOT / "benchmarks" / "results" / "load.json"
FILTER_KEYS = ("f_org", "f_weights", "f_tier", "f_arch", "f_mod")
RUN_TIMEOUT = 120.0  # a rerun that takes longer counts as an error
OFFLINE_NOISE = re.compile(r"fonts\.gstatic\.com|/_stcore/(host-config|health)|ERR_NAME_NOT_RESOLVED")


def rss_kib(pid: int) -> int | None:
    """VmRSS of a live process; None once it has exited (a zombie has no VmRSS)."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return None
    return next((int(line.split()[1]) for line in lines if line.startswith("VmRSS:")), None)


def loadavg() -> list[float]:
    return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=dict)  # action kind -> seconds
    errors: dict[str, int] = field(default_factory=dict)
    error_samples: list[str] = field(default_factory=list)
    reruns: int = 0
    reruns_after_warmup: int = 0
    warm: bool = False

    def ok(self, kind: str, seconds: float) -> None:
        self.latencies.setdefault(kind, []).append(seconds)
        self.reruns += 1
        self.reruns_after_warmup += self.warm

    def error(self, kind: str, detail: str = "") -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1
        if len(self.error_samples) < 20:
            self.error_samples.append(f"{kind}: {detail[:300]}")


def pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    values = sorted(values)
    return round(values[min(len(values) - 1, round(q / 100 * (len(values) - 1)))], 3)


class Run:
    """What one script run sent back."""

    def __init__(self) -> None:
        self.widgets: dict[str, list[str]] = {}  # user key -> options (multiselects)
        self.widget_ids: dict[str, str] = {}  # user key -> widget id
        self.exceptions: list[str] = []
        self.error_boxes: list[str] = []
        self.status: int | None = None

    def feed(self, fm: ForwardMsg, session: WsSession) -> bool:
        """Consume one message; True when the run is over."""
        kind = fm.WhichOneof("type")
        if kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
            el = fm.delta.new_element
            etype = el.WhichOneof("type")
            if etype == "exception":
                self.exceptions.append(f"{el.exception.type}: {el.exception.message}")
            elif etype == "alert" and el.alert.format == 1:  # Alert.ERROR
                self.error_boxes.append(el.alert.body)
            elif etype == "multiselect":
                key = el.multiselect.id.rsplit("-", 1)[-1]
                self.widgets[key] = list(el.multiselect.options)
                self.widget_ids[key] = el.multiselect.id
        elif kind == "navigation":
            pages = {p.url_pathname or "home": p.page_script_hash for p in fm.navigation.app_pages}
            if pages and "app" not in {p.page_name for p in fm.navigation.app_pages}:
                session.pages = pages
        elif kind == "page_info_changed":
            session.query_string = fm.page_info_changed.query_string
        elif kind == "script_finished":
            self.status = fm.script_finished
            return fm.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN
        return False


class WsSession:
    def __init__(self, index: int, url: str, stats: Stats, rng: random.Random) -> None:
        self.index, self.url, self.stats, self.rng = index, url, stats, rng
        self.pages: dict[str, str] = {}
        self.page = "home"
        self.query_string = ""
        self.values: dict[str, list[str]] = {}  # user key -> chosen labels (filters)
        self.last = Run()

    async def rerun(self, ws, kind: str, page_hash: str = "") -> None:
        msg = BackMsg()
        cs = msg.rerun_script
        cs.query_string = self.query_string
        cs.page_script_hash = page_hash
        for key, labels in self.values.items():
            wid = self.last.widget_ids.get(key)
            if wid:
                ws_state = WidgetState(id=wid)
                ws_state.string_array_value.data.extend(labels)
                cs.widget_states.widgets.append(ws_state)
        run = Run()
        t0 = time.monotonic()
        await ws.send(msg.SerializeToString())
        while True:
            raw = await asyncio.wait_for(ws.recv(), timeout=max(1.0, t0 + RUN_TIMEOUT - time.monotonic()))
            fm = ForwardMsg()
            fm.ParseFromString(raw)
            if run.feed(fm, self):
                break
        took = time.monotonic() - t0
        if not run.widget_ids:  # keep the widget ids of the last run that drew the sidebar
            run.widgets, run.widget_ids = self.last.widgets, self.last.widget_ids
        self.last = run
        if run.exceptions:
            self.stats.error("exception box", f"{kind} on {self.page}: {run.exceptions[0]}")
        elif run.error_boxes:
            self.stats.error("st.error box", f"{kind} on {self.page}: {run.error_boxes[0]}")
        elif run.status != ForwardMsg.FINISHED_SUCCESSFULLY:
            self.stats.error("run not finished", f"{kind} on {self.page}: status {run.status}")
        else:
            self.stats.ok(kind, took)

    def next_action(self) -> tuple[str, str]:
        if self.rng.random() < 0.5 and len(self.pages) > 1:
            target = self.rng.choice([p for p in self.pages if p != self.page])
            return "page switch", target
        return "filter change", self.rng.choice(FILTER_KEYS)

    async def run(self, stop_at: list[float], max_reruns: int, warm_event: asyncio.Event, ready: list) -> None:
        import websockets

        ws_url = self.url.replace("http://", "ws://") + "/_stcore/stream"
        try:
            async with websockets.connect(ws_url, subprotocols=["streamlit"], origin=self.url, max_size=None,
                                          open_timeout=60, ping_interval=None) as ws:
                await self.rerun(ws, "first load")
                ready.append(self.index)
                await warm_event.wait()
                while time.monotonic() < stop_at[0] and self.stats.reruns < max_reruns:
                    kind, what = self.next_action()
                    if kind == "page switch":
                        self.page = what
                        await self.rerun(ws, kind, self.pages[what])
                    else:
                        options = self.last.widgets.get(what, [])
                        current = self.values.get(what, [])
                        if current or not options:
                            self.values[what] = []  # clear it again: keep most views non-empty
                        else:
                            self.values[what] = self.rng.sample(options, k=1)
                        await self.rerun(ws, kind, self.pages.get(self.page, ""))
                    await asyncio.sleep(self.rng.uniform(0.05, 0.3))  # think time
        except TimeoutError:
            self.stats.error("timeout", f"session {self.index} on {self.page}")
        except Exception as e:  # noqa: BLE001 - a disconnect or protocol error is what we count
            self.stats.error("disconnect", f"session {self.index}: {type(e).__name__}: {e}")
        finally:
            if self.index not in ready:
                ready.append(self.index)


async def browser_session(index: int, browser, url: str, stats: Stats, rng: random.Random, stop_at: list[float],
                          max_reruns: int, warm_event: asyncio.Event, ready: list) -> None:
    """One Chromium context: sidebar page links and the Architecture filter, timed by websocket frames."""
    ctx = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await ctx.new_page()
    finished: asyncio.Queue = asyncio.Queue()

    def on_frame(payload) -> None:
        if isinstance(payload, (bytes, bytearray)):
            fm = ForwardMsg()
            try:
                fm.ParseFromString(bytes(payload))
            except Exception:  # noqa: BLE001
                return
            if fm.WhichOneof("type") == "script_finished" and \
                    fm.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                finished.put_nowait((time.monotonic(), fm.script_finished))

    page.on("websocket", lambda ws: ws.on("framereceived", on_frame) if "_stcore/stream" in ws.url else None)
    page.on("console", lambda m: m.type == "error" and not OFFLINE_NOISE.search(f"{m.text} {m.location.get('url')}")
            and stats.error("console error", m.text))
    page.on("pageerror", lambda e: stats.error("page error", str(e)))
    page.on("close", lambda _: stats.error("disconnect", f"browser session {index} closed"))

    async def timed(kind: str, action) -> None:
        while not finished.empty():
            finished.get_nowait()
        t0 = time.monotonic()
        await action()
        try:
            t1, status = await asyncio.wait_for(finished.get(), timeout=RUN_TIMEOUT)
        except TimeoutError:
            stats.error("timeout", f"browser session {index}: {kind}")
            return
        await asyncio.sleep(0.05)
        if await page.locator('[data-testid="stException"]').count():
            stats.error("exception box", f"browser session {index}: {kind}")
        elif status != ForwardMsg.FINISHED_SUCCESSFULLY:
            stats.error("run not finished", f"status {status}")
        else:
            stats.ok(kind, t1 - t0)

    titles = ["Home", "Timeline", "Size vs score", "Licenses", "Architecture", "Compare", "Data"]
    try:
        await timed("first load", lambda: page.goto(url + "/"))
        ready.append(index)
        await warm_event.wait()
        while time.monotonic() < stop_at[0] and stats.reruns < max_reruns:
            if rng.random() < 0.5:
                title = rng.choice(titles)
                await timed("page switch", lambda t=title: page.locator('[data-testid="stSidebarNav"] a',
                                                                         has_text=t).first.click())
            else:
                box = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').nth(3)  # Architecture

                async def toggle_filter(box=box) -> None:
                    clear = box.locator('[data-testid="stMultiSelectClearButton"], [aria-label="Clear all"]')
                    if await clear.count():
                        await clear.first.click()
                    else:
                        await box.click()
                        await page.keyboard.press("Enter")
                        await page.keyboard.press("Escape")
                await timed("filter change", toggle_filter)
            await asyncio.sleep(rng.uniform(0.05, 0.3))
    except Exception as e:  # noqa: BLE001
        stats.error("browser action failed", f"session {index}: {type(e).__name__}: {e}")
    finally:
        if index not in ready:
            ready.append(index)
        await ctx.close()


async def main_async(args) -> dict:
    stats = Stats()
    proc, url = start_streamlit()
    assert re.match(r"^http://127\.0\.0\.1:\d+$", url), url  # loopback only
    mem: dict[str, int] = {"start_kib": rss_kib(proc.pid)}
    samples: list[tuple[float, int, int]] = []
    t_start = time.monotonic()
    stop_at = [t_start + args.max_seconds]  # replaced once warm-up is over
    warm_event = asyncio.Event()
    ready: list[int] = []
    browser = pw = None
    try:
        if args.client == "browser":
            from playwright.async_api import async_playwright
            pw = await async_playwright().start()
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            tasks = [asyncio.create_task(browser_session(i, browser, url, stats, random.Random(args.seed + i),
                                                         stop_at, args.max_reruns, warm_event, ready))
                     for i in range(args.sessions)]
        else:
            sessions = [WsSession(i, url, stats, random.Random(args.seed + i)) for i in range(args.sessions)]
            tasks = [asyncio.create_task(s.run(stop_at, args.max_reruns, warm_event, ready)) for s in sessions]

        while len(ready) < args.sessions and time.monotonic() < stop_at[0]:
            await asyncio.sleep(0.2)
        mem["after_first_loads_kib"] = rss_kib(proc.pid)
        warm_event.set()  # sessions start clicking; the first --warmup-reruns fill caches and are not timed
        stop_at[0] = t_start + args.max_seconds
        first_loads = stats.reruns
        while stats.reruns < first_loads + args.warmup_reruns and time.monotonic() < stop_at[0] - args.seconds:
            if proc.poll() is not None:
                break
            samples.append((round(time.monotonic() - t_start, 1), stats.reruns, rss_kib(proc.pid)))
            await asyncio.sleep(1)
        warm_up_s = time.monotonic() - t_start
        mem["after_warmup_kib"] = rss_kib(proc.pid)
        stats.latencies.clear()  # latencies: active phase only
        stats.warm = True
        t_warm = time.monotonic()
        warm_index = len(samples)
        stop_at[0] = min(t_warm + args.seconds, t_start + args.max_seconds)
        extended = False
        while not all(t.done() for t in tasks):
            if proc.poll() is not None:  # killed or crashed: stop the clients, report what we have
                stats.error("server exited", f"exit code {proc.returncode}")
                stop_at[0] = 0
                for t in tasks:
                    t.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
                break
            now = time.monotonic()
            samples.append((round(now - t_start, 1), stats.reruns, rss_kib(proc.pid)))
            if (now >= stop_at[0] - 1 and stats.reruns_after_warmup < args.min_reruns
                    and stop_at[0] < t_start + args.max_seconds):
                stop_at[0] = min(now + 10, t_start + args.max_seconds)  # keep going for the 500 reruns
                extended = True
            await asyncio.wait(tasks, timeout=2)
        active_s = time.monotonic() - t_warm
        mem["end_kib"] = rss_kib(proc.pid) or (samples[-1][2] if samples else None)
    finally:
        if browser is not None:
            await browser.close()
        if pw is not None:
            await pw.stop()
        stop(proc)

    all_lat = [x for v in stats.latencies.values() for x in v]
    growth = (mem["end_kib"] - mem["after_warmup_kib"]) / mem["after_warmup_kib"] if all(mem.values()) else float("nan")
    active = [x for x in samples[warm_index:] if x[2]]
    slope = None  # least-squares RSS growth per 100 reruns in the active phase: a leak keeps this > 0
    if len(active) >= 3 and len({r for _, r, _ in active}) > 1:
        slope = round(100 * statistics.linear_regression([r for _, r, _ in active], [m for _, _, m in active]).slope)
    return {
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
        "client": args.client,
        "client_note": ("websocket client speaking Streamlit's BackMsg/ForwardMsg protocol (no browser)"
                        if args.client == "ws" else "Playwright Chromium, one browser, one context per session"),
        "sessions": args.sessions,
        "seconds_requested": args.seconds,
        "seconds_active": round(active_s, 1),
        "extended_for_min_reruns": extended,
        "warm_up_seconds": round(warm_up_s, 1),
        "reruns_total": stats.reruns,
        "reruns_after_warmup": stats.reruns_after_warmup,
        "reruns_per_second": round(stats.reruns_after_warmup / active_s, 2) if active_s else None,
        "latency_s": {
            "p50": pct(all_lat, 50), "p95": pct(all_lat, 95), "max": round(max(all_lat), 3) if all_lat else None,
            "by_action": {k: {"n": len(v), "p50": pct(v, 50), "p95": pct(v, 95)} for k, v in stats.latencies.items()},
        },
        "errors_total": sum(stats.errors.values()),
        "errors": stats.errors,
        "error_samples": stats.error_samples,
        "server_rss_kib": mem,
        "warmup_reruns": args.warmup_reruns,
        "memory_growth_after_warmup": round(growth, 4),
        "memory_growth_since_first_loads": round(
            (mem["end_kib"] - mem["after_first_loads_kib"]) / mem["after_first_loads_kib"], 4)
        if all(mem.values()) else None,
        "rss_slope_kib_per_100_reruns": slope,
        "memory_budget": 0.10,
        "memory_ok": growth < 0.10 and stats.reruns_after_warmup >= args.min_reruns,
        "memory_samples": [{"t": t, "reruns": r, "rss_kib": m} for t, r, m in samples[:: max(1, len(samples) // 40)]],
        "machine": {"cpus": os.cpu_count(), "loadavg_at_end": loadavg(), "loadavg_at_start": args.load_at_start,
                    "python": platform.python_version(),
                    "note": args.note},
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=60.0, help="active phase after warm-up")
    ap.add_argument("--min-reruns", type=int, default=500, help="extend the active phase until this many reruns")
    ap.add_argument("--max-seconds", type=float, default=300.0, help="hard cap on the whole run, warm-up included")
    ap.add_argument("--max-reruns", type=int, default=5000, help="hard cap on reruns")
    ap.add_argument("--warmup-reruns", type=int, default=100,
                    help="reruns after the first loads before the reference RSS (fills per-page caches)")
    ap.add_argument("--client", choices=["ws", "browser"], default="ws")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--note", default="", help="free text stored in the JSON (e.g. what else ran on the machine)")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    if not 1 <= args.sessions <= 50:
        ap.error("--sessions must be 1..50")
    args.load_at_start = loadavg()
    result = asyncio.run(main_async(args))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n")
    lat, mem = result["latency_s"], result["server_rss_kib"]
    print(f"{result['client']} client, {result['sessions']} sessions, {result['seconds_active']} s active "
          f"(warm-up {result['warm_up_seconds']} s), load {args.load_at_start} -> {result['machine']['loadavg_at_end']}")
    print(f"reruns: {result['reruns_total']} total, {result['reruns_after_warmup']} after warm-up "
          f"({result['reruns_per_second']}/s); latency p50 {lat['p50']} s, p95 {lat['p95']} s, max {lat['max']} s")
    for k, v in lat["by_action"].items():
        print(f"  {k}: n={v['n']} p50={v['p50']} s p95={v['p95']} s")
    print(f"errors: {result['errors_total']} {result['errors'] or ''}")
    for s in result["error_samples"][:5]:
        print("  ", s)
    mib = {k: f"{v / 1024:.0f}" if v else "?" for k, v in mem.items()}
    print(f"server RSS: start {mib['start_kib']} MiB, first loads {mib['after_first_loads_kib']} MiB, "
          f"after warm-up {mib['after_warmup_kib']} MiB, end {mib['end_kib']} MiB -> growth {result['memory_growth_after_warmup']:+.1%} "
          f"({result['rss_slope_kib_per_100_reruns']} KiB per 100 reruns) "
          f"(budget < 10% over >= {args.min_reruns} reruns: {'OK' if result['memory_ok'] else 'NOT MET'})")
    print(f"written to {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")
    return 0 if result["errors_total"] == 0 and result["memory_ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
