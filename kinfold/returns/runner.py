"""Running a build in the background: a thread of the process that was asked for it.

Why a thread: a build reads a few thousand rows and writes one file — seconds to a minute — and
needs no queue, broker or worker process, so it runs the same under `runserver` and gunicorn
(the thread outlives the request that started it; gunicorn's worker timeout watches only the
request loop). Its own database connection is closed when it ends. If the process stops while
a build runs (a deploy, a worker recycled), the row stops moving: the build page reports it as
stopped after models.STALLED_AFTER, and the next build started marks it failed.
"""

from __future__ import annotations

import logging
import threading

from django.db import connections

logger = logging.getLogger(__name__)

# The threads this process started, by build id (a few a day; tests join them).
THREADS: dict[int, threading.Thread] = {}


def _run(build_id: int) -> None:
    from .services import run_build

    try:
        run_build(build_id=build_id)
    except Exception:  # run_build records failures itself; this is the last resort
        logger.exception("Return build %s failed outside its own handling", build_id)
    finally:
        connections.close_all()


def launch(build_id: int) -> threading.Thread:
    thread = threading.Thread(
        target=_run, args=(build_id,), name=f"return-build-{build_id}", daemon=True
    )
    THREADS[build_id] = thread
    thread.start()
    return thread
