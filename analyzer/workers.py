"""Getting the facts of a batch of files: from the facts cache where it holds them, the rest parsed — in
worker processes when the batch is big enough to pay for them — and handed back in input order, so the
model is the same for any ``--jobs`` value and with or without the cache.

A scan opens one session (``analyzer.project`` wraps the whole scan in ``session()``); every batch the
scan parses, for every plugin in it, goes through it (``analyzer.scan._Parsed`` finds it with
``current()``). Its pool of workers starts the first time one batch holds more than ``pool_threshold()``
bytes to parse, serves every later batch, and is stopped when the scan ends, fails or is interrupted.
Workers get the largest files first (a big file started last would keep one core busy while the others
idle) in chunks of small files, and send back each outcome pickled once: the parent stores those bytes in
the cache as they are and unpickles them with the garbage collector paused (analyzer.cache).
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from analyzer import cache as cache_module

KIB = 1024
MIB = 1024 * KIB
# Bytes to parse in one batch before a pool is started. Measured on 2 cores: forking two workers takes
# about 20 ms, parsing PHP about 1.1 s per MB, and unpickling the facts in the parent about 40% of that (see
# MAX_AUTO_JOBS), so two forked workers save about a fifth of a batch's parse time, more with more cores:
# a few hundred KB pay for the start. A spawned or forkserver worker imports the analyzer afresh (about
# 1.1 s before it parses), which a batch of a few MB pays back.
POOL_THRESHOLD_FORK = 512 * KIB
POOL_THRESHOLD_SPAWN = 4 * MIB
# The parent unpickles every outcome the workers send. For PHP that costs about 40% of parsing it (WordPress
# core's PHP: 2.8 s of CPU to unpickle what took 6.7 s to parse; EDD's: 0.65 s for 2.2 MB), so past three or
# four workers the parent is the bottleneck. (Browser code yields far fewer facts per byte: 0.2 s for 14 MB.)
MAX_AUTO_JOBS = 4
CHUNK_BYTES = 64 * KIB  # small files travel to a worker in chunks of about this size
CHUNK_FILES = 32

# (facts, notices, inline script facts): what parsing one file gives (analyzer.scan._file_outcome)
Outcome = tuple
Work = Callable[[str, bytes], Outcome]


def _cpu_quota() -> float | None:
    """The CPUs a container's cgroup lets this process use (docker --cpus), or None without a limit."""
    for quota_file, period_file in (("/sys/fs/cgroup/cpu.max", None), ("/sys/fs/cgroup/cpu/cpu.cfs_quota_us", "/sys/fs/cgroup/cpu/cpu.cfs_period_us")):
        try:
            with open(quota_file, encoding="ascii") as handle:
                fields = handle.read().split()
            if period_file is not None:
                with open(period_file, encoding="ascii") as handle:
                    fields.append(handle.read().strip())
            quota, period = fields[0], fields[1]
            if quota in ("max", "-1"):
                return None
            return int(quota) / int(period)
        except (OSError, ValueError, IndexError, ZeroDivisionError):
            continue
    return None


def auto_jobs() -> int:
    """``--jobs auto``: one worker per core this process may run on (its CPU affinity and, in a container,
    its CPU quota), at most MAX_AUTO_JOBS; 1 on one core."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # macOS, Windows
        cores = os.cpu_count() or 1
    quota = _cpu_quota()
    if quota is not None:
        cores = min(cores, max(1, int(quota)))
    return max(1, min(cores, MAX_AUTO_JOBS))


def pool_threshold() -> int:
    method = multiprocessing.get_start_method(allow_none=True) or multiprocessing.get_all_start_methods()[0]
    return POOL_THRESHOLD_FORK if method == "fork" else POOL_THRESHOLD_SPAWN


def _quiet_worker(parent: int | None = None) -> None:
    """Parse workers die silently on Ctrl-C (the terminal sends SIGINT to them too); the main process
    reports the interruption once and stops the pool. A Ctrl-C that came while the worker started is
    pending (SIGINT was blocked): it ends the worker as soon as the signal is unblocked here. On Linux a
    worker also dies with the main process: the pool replaces workers Ctrl-C killed, and a replacement
    started just before the main process exited would otherwise live on, holding its stderr open."""
    if parent is not None and sys.platform.startswith("linux"):
        with contextlib.suppress(Exception):
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
        if os.getppid() != parent:  # the main process is already gone
            os._exit(0)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _run_chunk(work: Work, chunk: list[tuple[int, str, bytes]]) -> list[tuple[int, bytes]]:
    """In a worker: parse a chunk; each outcome goes back pickled (the bytes a cache entry holds)."""
    return [(index, cache_module.encode(work(rel, data))) for index, rel, data in chunk]


def _chunks(files: list[tuple[str, bytes]], indexes: list[int]) -> list[list[tuple[int, str, bytes]]]:
    """The files at ``indexes``, largest first; a large file alone, small ones grouped."""
    order = sorted(indexes, key=lambda i: (-len(files[i][1]), i))
    chunks: list[list[tuple[int, str, bytes]]] = []
    current: list[tuple[int, str, bytes]] = []
    size = 0
    for index in order:
        rel, data = files[index]
        current.append((index, rel, data))
        size += len(data)
        if size >= CHUNK_BYTES or len(current) >= CHUNK_FILES:
            chunks.append(current)
            current, size = [], 0
    if current:
        chunks.append(current)
    return chunks


class ParseSession:
    """The cache and the worker pool of one scan."""

    def __init__(self, jobs: int = 1, cache: cache_module.FactsCache | None = None) -> None:
        self.jobs = max(1, jobs)
        self.cache = cache
        self._pool = None
        self.parsed = 0  # files parsed (not taken from the cache) by this session
        self.pooled = 0  # of those, files parsed by workers

    def _start_pool(self):
        if self._pool is None:
            # multiprocessing.Pool rather than ProcessPoolExecutor: terminate() stops the workers at once on
            # Ctrl-C, where the executor waits for (or hangs on) them.
            # SIGINT is blocked while the workers start (a Ctrl-C before their initializer runs would otherwise
            # print a traceback from each); the initializer then lets it end them quietly. Blocked, not
            # ignored: a Ctrl-C in that moment stays pending and interrupts this process as soon as the pool
            # is up, where an ignored one was lost and the scan ran on to the end.
            if hasattr(signal, "pthread_sigmask"):
                previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
                try:
                    self._pool = multiprocessing.Pool(self.jobs, initializer=_quiet_worker, initargs=(os.getpid(),))
                finally:
                    signal.pthread_sigmask(signal.SIG_SETMASK, previous)
            else:  # Windows: no signal masks; workers there do not get the console's Ctrl-C as a signal
                self._pool = multiprocessing.Pool(self.jobs, initializer=_quiet_worker, initargs=(os.getpid(),))
        return self._pool

    def outcomes(self, files: list[tuple[str, bytes]], work: Work, report: Callable[[int, int], None]) -> list[Outcome]:
        """The outcome of each of ``files``, in their order; ``report(done, total)`` as they come."""
        total = len(files)
        results: list[Outcome | None] = [None] * total
        keys: list[str] = []
        missing = list(range(total))
        done = 0
        if self.cache is not None:
            keys = [self.cache.key(rel, data) for rel, data in files]
            missing = []
            for index, key in enumerate(keys):
                outcome = self.cache.load(key)
                if outcome is None:
                    missing.append(index)
                    continue
                results[index] = outcome
                done += 1
                report(done, total)

        def keep(index: int, outcome: Outcome, entry: bytes | None) -> None:
            results[index] = outcome
            if self.cache is not None and outcome[0] is not None:  # a file that failed is tried again next time
                self.cache.store(keys[index], entry if entry is not None else cache_module.encode(outcome))

        self.parsed += len(missing)
        size = sum(len(files[i][1]) for i in missing)
        if self.jobs > 1 and len(missing) > 1 and size >= pool_threshold():
            self.pooled += len(missing)
            pool = self._start_pool()
            for chunk in pool.imap_unordered(functools.partial(_run_chunk, work), _chunks(files, missing)):
                for index, entry in chunk:
                    outcome = cache_module.decode(entry)
                    if outcome is None:
                        raise RuntimeError(f"a parse worker sent back an unreadable outcome for {files[index][0]}")
                    keep(index, outcome, entry)
                    done += 1
                    report(done, total)
        else:
            for index in missing:
                rel, data = files[index]
                keep(index, work(rel, data), None)
                done += 1
                report(done, total)
        return results  # type: ignore[return-value]

    def close(self, completed: bool = True) -> None:
        """Stop the workers; after a scan that completed, prune the cache if it has grown too large."""
        pool, self._pool = self._pool, None
        if pool is not None:
            if not completed:
                _release_dead_workers_lock(pool)
            pool.terminate()  # idle workers after a scan; busy ones after Ctrl-C: stop them at once either way
            pool.join()
        if completed and self.cache is not None:
            self.cache.finish()


def _release_dead_workers_lock(pool) -> None:
    """After Ctrl-C the workers are gone (SIGINT ends them) — and an idle one dies while it holds the lock of
    the task queue it was waiting on. ``Pool.terminate()`` takes that lock first and would wait for it for
    ever (one Ctrl-C in four hung so). Kill whatever worker is left, then free the lock if a dead one holds
    it: no live process can, since only workers take it."""
    try:
        workers, lock = list(pool._pool), pool._inqueue._rlock
    except AttributeError:  # another multiprocessing implementation: nothing known to release
        return
    for worker in workers:
        with contextlib.suppress(OSError, ValueError):
            worker.kill()
    for worker in workers:
        with contextlib.suppress(OSError, ValueError, AssertionError):
            worker.join(timeout=1)
    if lock.acquire(block=False):
        lock.release()
    else:
        with contextlib.suppress(ValueError):
            lock.release()


_current: contextvars.ContextVar[ParseSession | None] = contextvars.ContextVar("wp_rest_lint_parse_session", default=None)


def current() -> ParseSession | None:
    """The session of the scan running in this thread, if any."""
    return _current.get()


def open_cache(directory: Path | None) -> cache_module.FactsCache | None:
    """The facts cache in ``directory``; None without one or when it cannot be used (no error: the CLI
    has already said so, an API caller gets an uncached scan)."""
    if directory is None:
        return None
    try:
        cache_module.prepare(directory)
    except cache_module.CacheUnusable:
        return None
    return cache_module.FactsCache(directory)


@contextlib.contextmanager
def session(jobs: int = 1, cache_dir: Path | None = None) -> Iterator[ParseSession]:
    """One scan's parse session: its pool is stopped however the scan ends."""
    parse_session = ParseSession(jobs, open_cache(cache_dir))
    token = _current.set(parse_session)
    completed = False
    try:
        yield parse_session
        completed = True
    finally:
        _current.reset(token)
        parse_session.close(completed)
