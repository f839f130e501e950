"""Run a function over the chunks of a list in two processes: this one and a fresh worker process.

    results = map_chunks(fn, items, *args)   # [fn(chunk, *args) for each chunk of items, in order]

For the bulk loader (bulk.py) on a big catalog: parsing and validating 25,000 family files is pure Python, so a
second core nearly halves it. Purely an optimisation, never a change in results:
- the worker is a new interpreter (subprocess, as multiprocessing's "spawn" but without re-running the main
  script): never a fork of this process, whose other threads (Streamlit's server, the script runners) may hold locks
  a forked copy would wait on forever;
- only with 2+ usable CPUs (affinity and cgroup quota), for a big enough list, and not when ATLAS_LOAD_WORKERS=1;
- the list is cut into chunks whose numbers wait in a pipe both processes read; each takes the next number when it is
  free (one byte read from a pipe is atomic), so this process starts at once and the worker joins when it has
  started (about half a second), and a process slowed down by other work on the machine simply does fewer chunks;
- the worker only computes `fn(chunk, *args)` (no pandas) and sends each pickled result back as soon as it has it
  (this process finishes them — `after` — between its own chunks);
- whatever goes wrong in or with the worker — it cannot start, raises, crashes, or its results do not arrive in
  time — this process computes the missing chunks itself, so the outcome is what one process would give.
"""

from __future__ import annotations

import gc
import os
import pickle
import select
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

MIN_WEIGHT = 8_000_000  # total weight (bytes of YAML) below which one process is faster than two
CHUNKS = 48  # (at most 255: a chunk number is one byte)
# When this process has no chunk left, it waits for the worker's last results this long: CHILD_FACTOR x its own time
# so far (the worker has at most one chunk to finish), plus CHILD_GRACE_S.
CHILD_FACTOR, CHILD_GRACE_S = 1.0, 10.0
_in_child = False  # True in the worker process


def workers() -> int:
    """How many processes map_chunks may use (1 or 2)."""
    if _in_child or os.name != "posix" or not sys.executable:
        return 1
    if os.environ.get("ATLAS_LOAD_WORKERS", "").strip() == "1":
        return 1
    return 2 if usable_cpus() >= 2 else 1


def usable_cpus() -> float:
    """CPUs this process may run on: its affinity, capped by a cgroup CPU quota (containers: a host's 16 CPUs may
    come with a quota of one)."""
    try:
        cpus: float = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    quota = _cgroup_quota()
    return min(cpus, quota) if quota else cpus


def _cgroup_quota() -> float | None:
    """The cgroup's CPU quota in CPUs (v2 cpu.max or v1 cfs files), None when there is none or it cannot be read."""
    try:
        limit, period = Path("/sys/fs/cgroup/cpu.max").read_text().split()[:2]
        return None if limit == "max" else int(limit) / int(period)
    except (OSError, ValueError, ZeroDivisionError):
        pass
    try:
        limit = int(Path("/sys/fs/cgroup/cpu/cpu.cfs_quota_us").read_text())
        period = int(Path("/sys/fs/cgroup/cpu/cpu.cfs_period_us").read_text())
        return limit / period if limit > 0 and period > 0 else None
    except (OSError, ValueError):
        return None


def _weight(item: Any) -> int:
    return len(item[1]) if isinstance(item, tuple) and len(item) > 1 and isinstance(item[1], bytes | str) else 1


def _chunks(items: Sequence, weight: Callable[[Any], int], n: int) -> list[Sequence]:
    """`items` cut into about n contiguous chunks of about the same weight."""
    total = sum(weight(x) for x in items) or 1
    out, start, acc = [], 0, 0
    for i, x in enumerate(items):
        acc += weight(x)
        if acc * n >= total * (len(out) + 1) and i + 1 < len(items):
            out.append(items[start:i + 1])
            start = i + 1
    out.append(items[start:])
    return [c for c in out if len(c)]


def map_chunks(fn: Callable[..., Any], items: Sequence, *args: Any, after: Callable[[Any], Any] | None = None,
               weight: Callable[[Any], int] = _weight, min_weight: int | None = None,
               chunks: int | None = None) -> list:
    """[fn(chunk, *args) for each chunk of `items`] in order; [fn(items, *args)] when one process does it all.
    A result of None stops the work: the list then holds a None (and maybe fewer results). `fn` and `args` must
    pickle (a module-level function), and `fn` must not need this process's state.

    after: applied in this process to each result that is not None — to this process's own results while the worker
    is still working (work that must not run in the worker, e.g. with pyarrow, overlaps with it)."""
    if min_weight is None:
        min_weight = MIN_WEIGHT

    def done(result: Any) -> Any:
        return result if after is None or result is None else after(result)

    if workers() < 2 or len(items) < 2 or sum(weight(x) for x in items) < min_weight:
        return [done(fn(items, *args))]
    parts = _chunks(items, weight, min(chunks or CHUNKS, 255))
    worker = _Worker.start(fn, parts, args)
    if worker is None:
        return [done(fn(items, *args))]
    results: dict[int, Any] = {}
    try:
        start = time.monotonic()
        while (i := worker.take()) is not None:
            results[i] = done(fn(parts[i], *args))
            if results[i] is None:
                return [None]
            # the worker's results so far, finished here while it works on (the queue evens out the extra work)
            for j, result in worker.results(wait=0):
                results[j] = done(result)
                if results[j] is None:
                    return [None]
        deadline = time.monotonic() + CHILD_FACTOR * (time.monotonic() - start) + CHILD_GRACE_S
        while len(results) < len(parts) and not worker.finished:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            for j, result in worker.results(wait=left):
                results[j] = done(result)
                if results[j] is None:
                    return [None]
    finally:
        worker.stop()
    out = []
    for i, part in enumerate(parts):
        if i not in results:  # the worker's, lost (or never taken): computed here
            results[i] = done(fn(part, *args))
        if results[i] is None:
            return [None]
        out.append(results[i])
    return out


# ---------------------------------------------------------------- this process's side
class _Worker:
    """The worker process, the chunk queue both read, and the worker's results as they arrive."""

    def __init__(self, proc: subprocess.Popen, queue: int, task: bytes):
        self.proc, self.queue = proc, queue
        self.buf = bytearray()
        self.finished = False  # the worker closed its output (done, failed or gone)
        self.poll = select.poll()  # (not select.select: a server may hold more than 1024 descriptors)
        self.poll.register(proc.stdout.fileno(), select.POLLIN | select.POLLHUP | select.POLLERR)
        # The task goes out from a thread: the worker reads it only once started, and this process works meanwhile.
        self.sender = threading.Thread(target=self._send, args=(task,), daemon=True, name="atlas-load-task")
        self.sender.start()

    @classmethod
    def start(cls, fn: Callable, parts: list, args: tuple) -> _Worker | None:
        """The worker, started on `parts`; None if it cannot be (then this process does everything)."""
        try:  # (sys.path first: the worker needs it before unpickling `fn` imports its module)
            task = (pickle.dumps(list(sys.path), protocol=pickle.HIGHEST_PROTOCOL)
                    + pickle.dumps((fn, parts, args), protocol=pickle.HIGHEST_PROTOCOL))
        except Exception:  # noqa: BLE001 - (a function or argument that does not pickle): no worker
            return None
        queue = _queue(len(parts))
        if queue is None:
            return None
        package_root = Path(__file__).resolve().parents[len(__name__.split(".")) - 1]
        boot = (f"import sys; sys.path.insert(0, {str(package_root)!r}); "
                f"import importlib; importlib.import_module({__name__!r})._work({queue})")
        try:
            proc = subprocess.Popen([sys.executable, "-c", boot], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                    stderr=subprocess.DEVNULL, pass_fds=(queue,), close_fds=True)
        except Exception:  # noqa: BLE001 - OSError, or no subprocess support here: no worker
            os.close(queue)
            return None
        return cls(proc, queue, task)

    def _send(self, task: bytes) -> None:
        try:
            self.proc.stdin.write(task)
            self.proc.stdin.close()
        except (OSError, ValueError):  # (the worker is gone: its chunks are computed here)
            pass

    def take(self) -> int | None:
        return _take(self.queue)

    def results(self, wait: float) -> list[tuple[int, Any]]:
        """The results that arrived, as (chunk number, result) (waiting up to `wait` seconds for the first bytes)."""
        fd = self.proc.stdout.fileno()
        while not self.finished:
            if not self.poll.poll(max(0, int(wait * 1000))):
                break
            chunk = os.read(fd, 1 << 22)
            if not chunk:
                self.finished = True
            self.buf += chunk
            wait = 0
        out = []
        while len(self.buf) >= 8:
            n = int.from_bytes(self.buf[:8], "little")
            if len(self.buf) < 8 + n:
                break
            try:
                message = pickle.loads(self.buf[8:8 + n])
            except Exception:  # noqa: BLE001 - a garbled message: that chunk is computed here
                message = None
            del self.buf[:8 + n]
            if isinstance(message, tuple) and len(message) == 2:
                out.append(message)
        return out

    def stop(self) -> None:
        """End the worker (it may still be starting, or stuck) and free everything."""
        os.close(self.queue)
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.sender.join(timeout=5)  # (its write fails at once once the worker is gone)
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()
            except OSError:
                pass


def _queue(n: int) -> int | None:
    """A pipe holding the chunk numbers 0..n-1, its write end closed (read empty, it gives end of file)."""
    try:
        r, w = os.pipe()
    except OSError:
        return None
    try:
        os.write(w, bytes(range(n)))  # (n <= 255 bytes: well under a pipe's buffer)
    except OSError:
        os.close(r)
        return None
    finally:
        os.close(w)
    return r


def _take(queue: int) -> int | None:
    """The next chunk number, or None when there is none left."""
    b = os.read(queue, 1)
    return b[0] if b else None


# ---------------------------------------------------------------- the worker's side
def _work(queue: int) -> None:
    """The worker process: read the task, take chunks, send each result as soon as it is ready, leave."""
    global _in_child
    _in_child = True
    code = 1
    try:
        gc.disable()  # (many long-lived objects, no cycles; the process ends with os._exit)
        out = os.dup(1)  # results go to the original stdout; anything printed by accident goes where stderr goes
        os.dup2(2, 1)
        stdin = sys.stdin.buffer
        paths = pickle.load(stdin)  # sys.path first: unpickling `fn` imports its module as the parent found it
        sys.path[:] = paths + [p for p in sys.path if p not in paths]
        fn, parts, args = pickle.load(stdin)
        outbox = _Outbox(out)  # (a writer thread: a full pipe never holds up the work)
        while outbox.ok and (i := _take(queue)) is not None:
            result = fn(parts[i], *args)
            outbox.send((i, result))
            if result is None:
                break
        code = 0 if outbox.close() else 1
    except BaseException:  # noqa: BLE001 - nothing may escape: the parent computes the chunks it does not get
        code = 1
    finally:
        os._exit(code)


class _Outbox:
    """The worker's results on their way out: 8-byte length, then a pickled (chunk number, result), written by a
    thread so that computing never waits for the parent to read."""

    def __init__(self, fd: int):
        import queue

        self.fd = fd
        self.ok = True
        self.pending: queue.SimpleQueue = queue.SimpleQueue()
        self.thread = threading.Thread(target=self._write, daemon=True)
        self.thread.start()

    def send(self, message: tuple) -> None:
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        self.pending.put(len(data).to_bytes(8, "little") + data)

    def _write(self) -> None:
        while (data := self.pending.get()) is not None:
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(self.fd, view):]
            except OSError:  # (the parent is gone, or stopped listening)
                self.ok = False
                return

    def close(self) -> bool:
        self.pending.put(None)
        self.thread.join()
        return self.ok
