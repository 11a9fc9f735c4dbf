"""The load's writer thread: the store's work on one batch overlaps reading the next."""

from __future__ import annotations

import queue
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterator
from typing import Any

__all__ = ["Writer"]


class Writer:
    """Runs the loader's batch writes on one thread, in the order they were handed over.

    Reading and applying profiles (Python) then overlaps the store's work on the
    previous batch. Writes keep their order (one thread, a FIFO queue), so every
    batch still runs after the batches of the entities it may point at. Outcomes come
    back in the same order and are booked by the loader's own thread, which is also
    the only one writing the quarantine file. The queue is bounded: the reader is at
    most ``depth`` batches ahead, so memory stays flat. An error in a write is raised
    to the loader at its next hand-over; once the load stops, queued writes are dropped.

    While it runs, the interpreter's thread switch interval is 0.5 ms instead of 5 ms:
    when the server answers, the writer waits for the reading thread to hand over the
    GIL before it can book the answer and send the next batch, and the server idles
    meanwhile (20k members: 2.6 s of such waits at 5 ms, 1.3 s at 0.5 ms).
    """

    SWITCH_INTERVAL = 0.0005

    def __init__(self, depth: int = 2) -> None:
        self._switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(min(self._switch_interval, self.SWITCH_INTERVAL))
        self._jobs: queue.Queue[Callable[[], Any] | None] = queue.Queue(maxsize=depth)
        self._done: deque[Any] = deque()
        self._error: BaseException | None = None
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name="refnet-load-writer",
                                        daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (job := self._jobs.get()) is not None:
            try:
                if self._error is None and not self._stopped:
                    self._done.append(job())
            except BaseException as e:  # handed to the loader's thread
                self._error = e
            finally:
                self._jobs.task_done()
        self._jobs.task_done()

    def _raise(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            self._stopped = True
            raise error

    def submit(self, job: Callable[[], Any]) -> None:
        self._raise()
        self._jobs.put(job)

    def finished(self) -> Iterator[Any]:
        """Outcomes of the jobs done so far, oldest first; then a write's error, if any."""
        while self._done:
            yield self._done.popleft()
        self._raise()

    def wait(self) -> None:
        """Until every job handed over has run; raises a write's error."""
        self._jobs.join()
        self._raise()

    def __enter__(self) -> Writer:
        return self

    def __exit__(self, *exc: object) -> None:
        self._stopped = True
        self._jobs.put(None)
        self._thread.join()
        sys.setswitchinterval(self._switch_interval)
