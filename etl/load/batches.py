"""Parse source files in batches, in worker processes when asked; etl.load.run loads each batch.

Parsing is pure (no database), so it runs in a process pool; a batch is gathered again before it is
written, so it still loads in one transaction.
"""

from __future__ import annotations

import atexit
import ctypes
import gc
import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager, suppress
from math import ceil
from pathlib import Path

import pyarrow as pa

from etl.extract.encoding import MAX_FILE_BYTES
from etl.load import children
from etl.model import Refusal, SourceTable
from etl.settings import FILES_PER_BATCH
from etl.signals import sigint_handled_by
from etl.transform.frames import FrameBatch, concat, to_frames
from etl.transform.pipeline import run_file

DEFAULT_BATCH = FILES_PER_BATCH


def use_the_system_allocator() -> None:
    """Arrow's buffers (the frames' strings) from the C library's malloc instead of Arrow's mimalloc pool,
    which keeps freed pages for reuse: a batch's frames, once written, no longer hold memory while the next
    is parsed (peak memory of L, one run each: loader 551 -> 539 MiB, workers 222-226 -> 199-210 MiB)."""
    pa.set_memory_pool(pa.system_memory_pool())


M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter (malloc.h)
MMAP_THRESHOLD_BYTES = 4 << 20


def fixed_mmap_threshold() -> None:
    """Allocations of 4 MiB and more (a batch's Arrow buffers and arrays) mapped apart, and unmapped when freed, for
    the life of the process. glibc raises its threshold to the largest block freed so far (up to 32 MiB), so after the
    first batch its buffers came from the heap, and the heap kept the holes they left: over L the loader's heap grew
    to 197 MB, 99 MB of it free but not returned. Three alternating pairs (bench.measure, 500 files a batch): peak
    memory of L 764-771 -> 748-757 MiB, of S 593-613 -> 585-602, the same CPU seconds. Only where the C library
    has mallopt (glibc); elsewhere a no-op."""
    try:
        libc = ctypes.CDLL(None)
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # not glibc (musl, macOS, Windows): their allocators do not work so
        return
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)


use_the_system_allocator()  # at import: in the loader, and in the fork server, which preloads this module
fixed_mmap_threshold()  # the same processes


@contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a burst of many small acyclic objects (parsed tables,
    frame rows): its repeated scans of the growing heap cost 10-40% of parsing. Reference counting still
    frees everything; the collector resumes afterwards, with the survivors frozen (gc.freeze): re-enabling it
    otherwise set off a full collection of the parser's caches after every chunk (4 s of 10,000 tables). The
    burst's own cycles (an exception's traceback, say) are collected first, from the young generation only,
    so a long-lived process (``jixiao serve``) freezes no garbage night after night."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.collect(0)  # the burst's cyclic garbage (all of it young: nothing aged while paused), cheaply
            gc.freeze()  # what outlived the burst (caches, results) is long-lived: no full rescan of it on enable
            gc.enable()


@contextmanager
def older_objects_frozen() -> Iterator[None]:
    """Keep the objects that exist before a long load (modules, caches, the run's plan) out of the cyclic
    collector's full scans while it runs, and collect the youngest generation every 10,000 allocations rather
    than 700: the loader's collections took 1.9 s of its CPU on L (1.3 s in 12 full collections, each rescanning
    every module and cache), 0.4 s with both (one run each). The young generations' garbage is collected first,
    so no cycle that is already garbage is frozen; the frozen objects stay frozen afterwards, as no_cyclic_gc
    leaves its survivors: unfrozen, the interpreter's final collection at exit scanned them all (a one-file
    `jixiao load` took 0.29 s longer, medians of six alternating runs)."""
    thresholds = gc.get_threshold()
    gc.collect(1)
    gc.freeze()
    gc.set_threshold(10_000, *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


def parse_chunk(paths: Sequence[Path], year: int | None = None) -> tuple[FrameBatch, list[Refusal]]:
    """Parse files into load-ready frames (runs in a worker process: frames pickle far cheaper than objects)."""
    with no_cyclic_gc():
        return _parsed_frames(paths, year)


def _parsed_frames(paths: Sequence[Path], year: int | None) -> tuple[FrameBatch, list[Refusal]]:
    """The parsed tables live only in this call, so they are freed before no_cyclic_gc collects: its collection
    then scans the frames, not every parsed object (5% of parsing when it did)."""
    parsed = [run_file(p, year) for p in paths]
    tables = [p for p in parsed if isinstance(p, SourceTable)]
    return to_frames(tables), [p for p in parsed if isinstance(p, Refusal)]


AUTO_WORKERS = 0
MAX_AUTO_WORKERS = 4
MIN_FILES_PER_WORKER = 40  # fewer, and a worker's start-up (~1 s of imports) costs more than it saves


def worker_count(workers: int, n_files: int) -> int:
    """``workers`` as asked; AUTO_WORKERS (0): one per CPU this process may use (at most 4), when there are
    files enough to share; one (no pool at all) for a handful of files."""
    if workers != AUTO_WORKERS:
        return workers
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(cpus, MAX_AUTO_WORKERS, n_files // MIN_FILES_PER_WORKER))


_POOLS: dict[int, ProcessPoolExecutor] = {}


def worker_pool(workers: int) -> ProcessPoolExecutor:
    """One process pool per size, kept for the life of the process (starting one costs ~1 s of imports), its
    workers started by a fork server so they never inherit the locks of a threaded parent (Prefect, DuckDB)."""
    pool = _POOLS.get(workers)
    if pool is None:
        children.ensure_watchdog()  # the pool's processes must die with this one, even on SIGKILL
        context = multiprocessing.get_context("forkserver")
        from multiprocessing import forkserver  # POSIX only, as the context

        # the parser (pandas, pyarrow, numpy) imported once, in the fork server: its workers share those pages
        # (peak memory of L 1,040-1,081 MiB without, 961-1,016 with); the fork server itself holds no lock
        context.set_forkserver_preload(["etl.load.forkserver_preload"])  # this module, and a quiet Ctrl-C
        # SIGINT ignored while the fork server starts, which it inherits: Ctrl-C at the terminal reaches the whole
        # process group, and the fork server protects itself from it only once its preloading imports are done
        with children.loader_code_on_path(), sigint_handled_by(signal.SIG_IGN):
            forkserver.ensure_running()  # (it preloads this very module, not an etl/ in the cwd)
        pool = _POOLS[workers] = ProcessPoolExecutor(workers, mp_context=context, initializer=_yield_to_the_loader)
        atexit.register(pool.shutdown, cancel_futures=True)
    return pool


def start_workers(workers: int, n_files: int) -> None:
    """Start the worker pool's fork server for ``n_files`` files (when they take more than one worker) without
    waiting for it: its imports (~0.6 s) then overlap the rest of the run's planning instead of following it."""
    if n_files > 1 and (count := worker_count(workers, n_files)) > 1:
        worker_pool(count)


WORKER_NICENESS = 10  # added to the loader's: on 2 cores the loader writes at full speed while workers parse ahead


def _yield_to_the_loader() -> None:
    """Each parsing worker starts at a lower CPU priority than the loader. With 2 cores the loader (one process,
    one batch after another) and two workers share them; at equal priority each got two thirds of a core, so the
    loader, the critical path, ran a third slower while the workers filled their look-ahead and then sat idle.
    Lower, they take whatever the loader leaves (in-process load of L, alternating runs: 41.1-41.8 s against
    45.6-48.3 s; the loader now waits for parsed batches 8-9 s instead of 2). Idle cores are theirs all the same."""
    if hasattr(os, "nice"):  # POSIX; the fork server (and so the pool) is POSIX only too
        with suppress(OSError):  # a sandbox that forbids it: parse at the loader's priority rather than not at all
            os.nice(WORKER_NICENESS)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C at the terminal is the loader's to handle, not a worker's


AHEAD = 1  # batches parsed ahead of the one being written, with workers
# files a worker parses in one task: a batch is parsed in parts of at most this many files (a worker's frames of a
# part are its peak memory), and with workers the first batch holds no more, so the loader starts writing as soon
# as one part per worker is parsed (a first batch of 500 kept the loader waiting for 0.8 s while a core idled)
PART_FILES = 125
# and the source bytes a batch and a part hold at most (a batch of 500 of L's tables is 19 MB, a part 4.8 MB): a
# folder of tables much larger than L's would otherwise put as many of them in one transaction, and its frames in
# the loader grow with their bytes (from 250 to 500 of L's files a batch, 19 MB more in flight, the loader's peak
# rose by 76 MiB: about 4 MB for each MB of text)
BATCH_BYTES = 32 * 2**20
PART_BYTES = 8 * 2**20


def parsed_batches(
    files: Sequence[Path], year: int | None = None, batch_size: int = DEFAULT_BATCH, workers: int = 1
) -> Iterator[tuple[list[Path], FrameBatch, list[Refusal]]]:
    """Yield (files, frames, refusals) per batch, in order: each batch loads in one transaction.

    With workers > 1 (or 0, automatic: see worker_count) each batch is split over the worker pool in parts of at
    most PART_FILES files and gathered again, the first batch is no larger than a part, and the next AHEAD batches
    are parsed while the caller writes this one (memory stays bounded whatever the corpus size). Work still queued
    when the caller stops early is cancelled.
    """
    sizes = [_size(path) for path in files]  # each file stat'ed once, for the batches and their parts
    workers = worker_count(workers, len(files))
    if workers <= 1:
        for r in _ranges(sizes, batch_size, BATCH_BYTES):
            files_of_batch = list(files[r.start : r.stop])
            yield (files_of_batch, *_parsed_in_parts(files_of_batch, sizes[r.start : r.stop], year))
        return
    first = next(_ranges(sizes, min(batch_size, PART_FILES), PART_BYTES), range(0))
    batches = [r for r in (first, *_ranges(sizes, batch_size, BATCH_BYTES, start=first.stop)) if r]
    pending: deque[tuple[list[Path], list[Future]]] = deque()
    try:
        for r in batches:
            files_of_batch = list(files[r.start : r.stop])
            pending.append((files_of_batch, _submit(files_of_batch, sizes[r.start : r.stop], year, workers)))
            if len(pending) > AHEAD:
                yield _gather(*pending.popleft())
        while pending:
            yield _gather(*pending.popleft())
    finally:
        for _, futures in pending:
            for f in futures:
                f.cancel()


def runs(files: Sequence[Path], max_files: int, max_bytes: int, sizes: Sequence[int] | None = None) -> list[list[Path]]:
    """The files in order, in runs of at most max_files files and max_bytes of them by their size on disk (a run
    holds one file at least, however large). A file that cannot be read, or is too large to be read at all, counts
    for nothing: it is refused unread. ``sizes``: the files' sizes when already known (see _size)."""
    sizes = [_size(path) for path in files] if sizes is None else sizes
    return [list(files[r.start : r.stop]) for r in _ranges(sizes, max_files, max_bytes)]


def _ranges(sizes: Sequence[int], max_files: int, max_bytes: int, start: int = 0) -> Iterator[range]:
    """The positions of runs (see runs) from ``start`` on, one after the other."""
    begin, held = start, 0
    for at in range(start, len(sizes)):
        if at > begin and (at - begin >= max_files or held + sizes[at] > max_bytes):
            yield range(begin, at)
            begin, held = at, 0
        held += sizes[at]
    if begin < len(sizes):
        yield range(begin, len(sizes))


def _size(path: Path) -> int:
    try:
        size = os.stat(path).st_size
    except OSError:
        return 0
    return size if size <= MAX_FILE_BYTES else 0


def _parsed_in_parts(files: Sequence[Path], sizes: Sequence[int], year: int | None) -> tuple[FrameBatch, list[Refusal]]:
    """A batch parsed in this process PART_FILES files at a time, as the workers do: a part's parsed objects (far
    larger than its frames) are freed before the next part is read."""
    done = [parse_chunk(part, year) for part in runs(files, PART_FILES, PART_BYTES, sizes)]
    if len(done) == 1:
        return done[0]
    return concat([batch for batch, _ in done]), [r for _, refusals in done for r in refusals]


def _submit(files: list[Path], sizes: Sequence[int], year: int | None, workers: int) -> list[Future]:
    """The batch in parts, one per worker at least, of at most PART_FILES files and PART_BYTES."""
    parts = runs(files, min(PART_FILES, ceil(len(files) / workers)), PART_BYTES, sizes)
    return [worker_pool(workers).submit(parse_chunk, part, year) for part in parts]


def _gather(files: list[Path], futures: list[Future]) -> tuple[list[Path], FrameBatch, list[Refusal]]:
    done = [f.result() for f in futures]
    if len(done) == 1:
        return (files, *done[0])
    return files, concat([batch for batch, _ in done]), [r for _, refusals in done for r in refusals]
