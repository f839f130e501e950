"""Run a function over the chunks of a list in two processes: this one and a forked child.

    results = map_chunks(fn, items, *args)   # [fn(chunk, *args) for each chunk of items, in order]

For the bulk loader (bulk.py) on a big catalog: parsing and validating 25,000 family files is pure Python, so a
second core nearly halves it. The list is cut into chunks whose numbers wait in a pipe; each process takes the next
number when it is free (one byte read from a pipe is atomic), so a process slowed down by other work on the machine
simply does fewer chunks. Purely an optimisation, never a change in results:
- only on Linux (fork), with 2+ usable CPUs, for a big enough list, and not when ATLAS_LOAD_WORKERS=1;
- the child only computes `fn(chunk, *args)` (pure Python, no pyarrow) and sends each pickled result through a
  pipe as soon as it has it (this process finishes them — `after` — between its own chunks), then leaves with
  os._exit (no cleanup of the parent's state);
- whatever goes wrong in or with the child — an exception, a crash, results that do not arrive in time (a child
  forked from a multi-threaded process could in theory block on a lock another thread held) — the parent computes
  the missing chunks itself, so the outcome (values or exception) is what one process would give.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

MIN_WEIGHT = 8_000_000  # total weight (bytes of YAML) below which one process is faster than two
CHUNKS = 48  # (at most 255: a chunk number is one byte)
# When the parent has no chunk left, it waits for the child's last results this long: CHILD_FACTOR x its own time so
# far (the child has at most one chunk to finish), plus CHILD_GRACE_S.
CHILD_FACTOR, CHILD_GRACE_S = 1.0, 10.0
_in_child = False


def workers() -> int:
    """How many processes map_chunks may use (1 or 2)."""
    if _in_child or not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return 1
    if os.environ.get("ATLAS_LOAD_WORKERS", "").strip() == "1":
        return 1
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    return 2 if cpus >= 2 else 1


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
    A result of None stops the work: the list then holds a None (and maybe fewer results).

    after: applied in this process to each result that is not None — to this process's own results while the child
    is still working (work that must not run in the child, e.g. with pyarrow, overlaps with it)."""
    if min_weight is None:
        min_weight = MIN_WEIGHT

    def done(result: Any) -> Any:
        return result if after is None or result is None else after(result)

    if workers() < 2 or len(items) < 2 or sum(weight(x) for x in items) < min_weight:
        return [done(fn(items, *args))]
    parts = _chunks(items, weight, min(chunks or CHUNKS, 255))
    queue = _queue(len(parts))
    if queue is None:
        return [done(fn(items, *args))]
    child = _fork(fn, parts, args, queue)
    if child is None:
        os.close(queue)
        return [done(fn(items, *args))]
    pid, fd = child
    results: dict[int, Any] = {}
    inbox = _Inbox(fd)
    complete = False
    try:
        start = time.monotonic()
        while (i := _take(queue)) is not None:
            results[i] = done(fn(parts[i], *args))
            if results[i] is None:
                return [None]
            # the child's results so far, finished here while it works on (the queue evens out the extra work)
            for j, result in inbox.read(wait=0):
                results[j] = done(result)
                if results[j] is None:
                    return [None]
        deadline = time.monotonic() + CHILD_FACTOR * (time.monotonic() - start) + CHILD_GRACE_S
        while not inbox.closed:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            for j, result in inbox.read(wait=left):
                results[j] = done(result)
                if results[j] is None:
                    return [None]
        complete = inbox.closed
    finally:
        os.close(queue)
        os.close(fd)
        if not complete:  # (it did not finish, or its results are not wanted: stop it if it still runs)
            _stop(pid)
        _reap(pid)
    out = []
    for i, part in enumerate(parts):
        if i not in results:  # the child's, lost: computed here
            results[i] = done(fn(part, *args))
        if results[i] is None:
            return [None]
        out.append(results[i])
    return out


class _Inbox:
    """The child's messages: 8-byte length, then a pickled (chunk number, result)."""

    def __init__(self, fd: int):
        self.fd = fd
        self.buf = bytearray()
        self.closed = False
        self.poll = select.poll()  # (not select.select: a server may hold more than 1024 descriptors)
        self.poll.register(fd, select.POLLIN | select.POLLHUP | select.POLLERR)

    def read(self, wait: float) -> list[tuple[int, Any]]:
        """The complete messages that arrived (waiting up to `wait` seconds for the first bytes)."""
        while not self.closed:
            if not self.poll.poll(max(0, int(wait * 1000))):
                break
            chunk = os.read(self.fd, 1 << 22)
            if not chunk:
                self.closed = True
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


def _queue(n: int) -> int | None:
    """A pipe holding the chunk numbers 0..n-1 (its write end closed: reading it empty gives end of file)."""
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


def _fork(fn: Callable[..., Any], parts: list, args: tuple, queue: int) -> tuple[int, int] | None:
    try:
        r, w = os.pipe()
    except OSError:
        return None
    try:
        pid = os.fork()
    except OSError:
        os.close(r)
        os.close(w)
        return None
    if pid == 0:  # the child: take chunks, compute, send each result as it is ready, leave
        global _in_child
        _in_child = True
        code = 1
        try:
            os.close(r)
            outbox = _Outbox(w)  # (a writer thread: a full pipe never holds up the work)
            while (i := _take(queue)) is not None:
                result = fn(parts[i], *args)
                outbox.send((i, result))
                if result is None:
                    break
            code = 0 if outbox.close() else 1
        except BaseException:  # noqa: BLE001 - nothing may escape the child; the parent computes its chunks
            code = 1
        finally:
            os._exit(code)
    os.close(w)
    return pid, r


class _Outbox:
    def __init__(self, fd: int):
        import queue
        import threading

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
            except OSError:
                self.ok = False
                return

    def close(self) -> bool:
        self.pending.put(None)
        self.thread.join()
        return self.ok


def _stop(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:  # (already gone)
        return


def _reap(pid: int) -> None:
    try:
        os.waitpid(pid, 0)
    except OSError:  # (ChildProcessError: already reaped)
        pass
