"""A task for parallel.map_chunks in tests: imported by the worker process too, so it imports next to nothing."""

import os
import time

from components.catalog import parallel


def double(items, trouble):
    """(pid, the items doubled): slow in the calling process, so the worker has time to start and take chunks;
    `trouble` happens in the worker."""
    if not parallel._in_child:
        time.sleep(0.3)
    elif trouble == "raise":
        raise RuntimeError("worker trouble")
    elif trouble == "hang":
        time.sleep(60)
    elif trouble == "crash":
        os._exit(3)
    elif trouble == "garbage":  # something printed to stdout, where the results go
        os.write(1, b"\xff" * 100)
        print("noise")
    if trouble == "invalid" and 7 in items:
        return None
    return os.getpid(), [x * 2 for x in items]
