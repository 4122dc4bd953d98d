"""The reference workloads, measured inside the interpreter under test.

This file owns the measuring side of calibration: one function per case id, each run in a
fresh process of the CPython being measured (``python cases.py CASE --runs N --spin X``).
It prints one JSON object on stdout, ``{"runs": [...], "params": {...}}``, and nothing
else there; the driver (``calibrate.py``) adds the unit, the median, min and max.

It must run unchanged on CPython 3.9 and later, standard library only, so it uses no
``match`` statements and no ``X | Y`` annotations. "Work in ms" is a pure-Python busy loop
(``spin``) sized from ``spin_iterations_per_ms``, which the driver measures first and passes
in with ``--spin``.
"""

# Only light modules are imported at the top: spawn and forkserver children import this file
# again as their main module, and a heavy import here would be counted as process start-up.
# Every other module is imported inside the case that needs it.
import multiprocessing
import os
import sys
import threading
import time

CASES = {}


def case(case_id):
    """Registers a measuring function under its case id (the id is a contract with Rust)."""

    def register(fn):
        CASES[case_id] = fn
        return fn

    return register


# ---------------------------------------------------------------------------------------
# Building blocks


def spin(n):
    """The fixed loop body that "work in ms" is made of: pure bytecode, small ints only."""
    x = 0
    for i in range(n):
        x ^= i
    return x


def spin_counting(n, me, state):
    """The same loop, also counting how often the last runner changed.

    ``state`` is ``[last_runner, changes]``, shared by the threads. A change seen by a thread
    means the GIL passed to it from the other one, so the threads count hand-overs themselves.
    """
    x = 0
    for i in range(n):
        x ^= i
        if state[0] is not me:
            state[0] = me
            state[1] += 1
    return x


def spin_stamping(n, me, state, gaps):
    """The loop again, stamping each iteration, to time each hand-over directly.

    ``state`` is ``[last_runner, last_stamp]``. When a thread sees the other one ran last, the
    gap since the other's last stamp is the time no thread ran Python: one hand-over.
    """
    clock = time.perf_counter
    x = 0
    for i in range(n):
        x ^= i
        now = clock()
        # CPython may switch threads right after a call returns, so the other thread may have
        # run between the stamp above and this check: the check comes before the stamp is
        # stored, and after a switch a fresh stamp replaces the stale one.
        if state[0] is not me:
            now = clock()
            if state[0] is not None:
                gaps.append(now - state[1])
            state[0] = me
        state[1] = now
    return x


def direct_gaps(n, interval_s):
    """Runs two stamping threads of ``n`` iterations and returns every hand-over gap in us."""
    sys.setswitchinterval(interval_s)
    state, gaps = [None, 0.0], []
    in_threads([(spin_stamping, (n, 1, state, gaps)), (spin_stamping, (n, 2, state, gaps))])
    return [g * 1e6 for g in gaps]


def noop(*_args):
    """The empty target of processes, pools and threads: only their overhead is measured."""
    return None


def wall(fn, *args):
    """Returns fn's wall time in seconds (perf_counter, as the simulation's clock is wall time)."""
    t0 = time.perf_counter()
    fn(*args)
    return time.perf_counter() - t0


def cpu_ms(fn, *args):
    """Returns the CPU time in ms that fn took on this thread."""
    c0 = time.thread_time()
    fn(*args)
    return (time.thread_time() - c0) * 1e3


def in_threads(targets):
    """Runs each (function, args) in its own thread at once and returns the wall time in seconds."""
    threads = [threading.Thread(target=fn, args=args) for fn, args in targets]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - t0


def iterations(spin_rate, ms):
    """Loop iterations for ``ms`` milliseconds of spin on this interpreter."""
    return max(1, int(round(spin_rate * ms)))


class Hog:
    """A CPU-bound thread that spins until stopped: the "other thread" of the convoy cases."""

    def __init__(self):
        self.stop = False
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        x = 0
        while not self.stop:
            for i in range(1000):
                x ^= i

    def __enter__(self):
        self.thread.start()
        # A short wait lets the hog take the GIL, as a CPU-bound thread that is already running.
        time.sleep(0.01)
        return self

    def __exit__(self, *exc):
        self.stop = True
        self.thread.join()


def reader(count, sleep_s, spin_n):
    """The I/O-bound side of the convoy: sleep (GIL released), then a short spin (GIL needed)."""
    for _ in range(count):
        time.sleep(sleep_s)
        spin(spin_n)


def ratio_beside_hogs(runs, hogs, count, sleep_s, spin_n):
    """Times ``reader`` alone and beside ``hogs`` CPU-bound threads; returns (ratios, params)."""
    ratios, alone_ms, with_ms = [], [], []
    for _ in range(runs):
        alone = in_threads([(reader, (count, sleep_s, spin_n))])
        hog_threads = [Hog() for _ in range(hogs)]
        for h in hog_threads:
            h.__enter__()
        try:
            beside = in_threads([(reader, (count, sleep_s, spin_n))])
        finally:
            for h in hog_threads:
                h.__exit__()
        ratios.append(beside / alone)
        alone_ms.append(alone * 1e3)
        with_ms.append(beside * 1e3)
    params = {
        "count": count,
        "sleep_ms": sleep_s * 1e3,
        "spin_iterations": spin_n,
        "cpu_threads": hogs,
        "switch_interval_ms": sys.getswitchinterval() * 1e3,
        "alone_ms": alone_ms,
        "with_ms": with_ms,
    }
    return ratios, params


# ---------------------------------------------------------------------------------------
# The cases. Each returns (runs, params); runs are in the case's unit.


@case("spin_iterations_per_ms")
def spin_rate(args):
    """Measures loop iterations per ms of this thread's CPU time; sizes every simulated `cpu` step."""
    # CPU time, not wall time: on a shared machine other programs take the core for whole
    # time slices, and a wall-clock rate would then size "150 ms of work" smaller than it is.
    # The wall-clock rate and the CPU share are kept in params to show how busy the machine was.
    n = 200_000
    rough = n / (cpu_ms(spin, n) or 1.0)
    n = iterations(rough, 50)
    runs, wall_rates, cpu_share = [], [], []
    for _ in range(args.runs):
        c0, t0 = time.thread_time(), time.perf_counter()
        spin(n)
        t1, c1 = time.perf_counter(), time.thread_time()
        runs.append(n / ((c1 - c0) * 1e3))
        wall_rates.append(n / ((t1 - t0) * 1e3))
        cpu_share.append((c1 - c0) / (t1 - t0))
    return runs, {"iterations": n, "timer": "thread_time", "wall_clock_rates": wall_rates, "cpu_share": cpu_share}


@case("serial_cpu_4x150ms")
def serial_4(args):
    """Four 150 ms spins one after another: the `sync` model's four `cpu` steps."""
    n = iterations(args.spin, 150)
    runs = [sum(wall(spin, n) for _ in range(4)) * 1e3 for _ in range(args.runs)]
    return runs, {"iterations_per_spin": n, "spins": 4}


@case("threads_cpu_4x150ms_switch_5ms")
def threads_4(args):
    """The same four spins in four threads: the `threads` model with the GIL, 5 ms interval."""
    n = iterations(args.spin, 150)
    runs = [in_threads([(spin, (n,))] * 4) * 1e3 for _ in range(args.runs)]
    return runs, {"iterations_per_spin": n, "threads": 4, "switch_interval_ms": sys.getswitchinterval() * 1e3}


@case("serial_cpu_2x200ms")
def serial_2(args):
    """Two 200 ms spins one after another: the serial reference of the fast-switching case."""
    n = iterations(args.spin, 200)
    runs = [(wall(spin, n) + wall(spin, n)) * 1e3 for _ in range(args.runs)]
    return runs, {"iterations_per_spin": n, "spins": 2}


@case("threads_cpu_2x200ms_switch_0.1ms")
def threads_2_fast(args):
    """Two 200 ms spins in two threads at a 0.1 ms interval: `threads` with switch_interval_ms 0.1."""
    sys.setswitchinterval(0.0001)
    n = iterations(args.spin, 200)
    runs = [in_threads([(spin, (n,))] * 2) * 1e3 for _ in range(args.runs)]
    return runs, {"iterations_per_spin": n, "threads": 2, "switch_interval_ms": sys.getswitchinterval() * 1e3}


def gil_handoff(args, interval_s):
    """Dead time per GIL hand-over: (threaded - serial wall) / hand-overs the threads counted.

    Serial and threaded runs use the same counting loop and alternate in each run, so load
    that drifts over the run hits both about equally.
    """
    sys.setswitchinterval(interval_s)
    # The counting loop is slower than the plain spin; size it to about 150 ms per thread, long
    # enough for 30 hand-overs at the default interval and short enough for nine runs.
    probe = 200_000
    slower = wall(spin_counting, probe, 0, [None, 0]) / wall(spin, probe)
    n = iterations(args.spin / slower, 150)
    runs, handoffs, serial_ms, threaded_ms = [], [], [], []
    for r in range(args.runs):
        serial_state, threaded_state = [None, 0], [None, 0]

        def serial():
            return wall(lambda: (spin_counting(n, 1, serial_state), spin_counting(n, 2, serial_state)))

        def threaded():
            return in_threads([(spin_counting, (n, 1, threaded_state)), (spin_counting, (n, 2, threaded_state))])

        if r % 2 == 0:
            s, t = serial(), threaded()
        else:
            t, s = threaded(), serial()
        # The serial run counts two changes (nobody to thread 1, 1 to 2); so does a threaded
        # run with no switch at all: the rest are hand-overs between the two threads.
        count = threaded_state[1] - serial_state[1]
        if count > 0:
            runs.append((t - s) / count * 1e6)
        handoffs.append(count)
        serial_ms.append(s * 1e3)
        threaded_ms.append(t * 1e3)
    if not runs:
        raise RuntimeError("the threads never handed the GIL over")
    # A cross-check that load on the machine disturbs less: the gaps timed one by one, in one
    # extra threaded run of about the same length (the stamping loop is slower).
    stamping = wall(spin_stamping, probe, 0, [None, 0.0], []) / wall(spin, probe)
    gaps = sorted(direct_gaps(iterations(args.spin / stamping, 150), interval_s))
    params = {
        "iterations_per_thread": n,
        "threads": 2,
        "switch_interval_ms": sys.getswitchinterval() * 1e3,
        "handoffs": handoffs,
        "serial_ms": serial_ms,
        "threaded_ms": threaded_ms,
        "direct_gaps": len(gaps),
        "direct_gap_us_median": gaps[len(gaps) // 2] if gaps else None,
        "direct_gap_us_mean": sum(gaps) / len(gaps) if gaps else None,
        "direct_gap_us_p90": gaps[int(len(gaps) * 0.9)] if gaps else None,
    }
    return runs, params


@case("gil_handoff_us_switch_5ms")
def handoff_5(args):
    """GIL hand-over dead time at the default 5 ms interval: the simulation's GIL hand-over cost."""
    return gil_handoff(args, 0.005)


@case("gil_handoff_us_switch_1ms")
def handoff_1(args):
    """GIL hand-over dead time at a 1 ms interval: checks the hand-over cost is per switch."""
    return gil_handoff(args, 0.001)


@case("gil_handoff_us_switch_0.1ms")
def handoff_01(args):
    """GIL hand-over dead time at a 0.1 ms interval: many switches, the most precise figure."""
    return gil_handoff(args, 0.0001)


@case("convoy_reader_slowdown")
def convoy(args):
    """100 x (0.5 ms sleep + 0.05 ms spin) beside one CPU thread over alone: the `convoy` lesson."""
    return ratio_beside_hogs(args.runs, 1, 100, 0.0005, iterations(args.spin, 0.05))


@case("io_beside_two_cpu_slowdown")
def io_beside_two(args):
    """100 x (1 ms sleep + tiny spin) beside two CPU threads over alone: the GIL queue with two waiters."""
    return ratio_beside_hogs(args.runs, 2, 100, 0.001, iterations(args.spin, 0.01))


@case("sleep_1ms_actual_us")
def sleep_1ms(args):
    """Mean real duration of time.sleep(0.001): what an `await_io`/`blocking_io` of 1 ms costs."""
    count = 200
    runs = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        for _ in range(count):
            time.sleep(0.001)
        runs.append((time.perf_counter() - t0) / count * 1e6)
    return runs, {"sleeps_per_run": count}


def pickle_rate(args, data, load):
    """MB/s (decimal, of pickled bytes) for dumps, or for loads when ``load``; default protocol."""
    import gc
    import pickle

    blob = pickle.dumps(data)
    runs = []
    for _ in range(args.runs):
        gc.collect()
        t = wall(pickle.loads, blob) if load else wall(pickle.dumps, data)
        runs.append(len(blob) / 1e6 / t)
    return runs, {"items": len(data), "pickled_bytes": len(blob), "protocol": pickle.DEFAULT_PROTOCOL}


def ints():
    """The 1,000,000-int list of lesson 7."""
    return list(range(1_000_000))


def strings():
    """200,000 short distinct strings of 10 characters each."""
    return ["item%06d" % i for i in range(200_000)]


@case("pickle_ints_mb_s")
def pickle_ints(args):
    """pickle.dumps of 1M ints: the simulation's pickle_mb_per_s for send_kb/recv_kb."""
    return pickle_rate(args, ints(), load=False)


@case("unpickle_ints_mb_s")
def unpickle_ints(args):
    """pickle.loads of 1M ints: the receiving half of pickle_mb_per_s."""
    return pickle_rate(args, ints(), load=True)


@case("pickle_strings_mb_s")
def pickle_strings(args):
    """pickle.dumps of 200,000 short strings: pickle_mb_per_s for text-like payloads."""
    return pickle_rate(args, strings(), load=False)


@case("unpickle_strings_mb_s")
def unpickle_strings(args):
    """pickle.loads of 200,000 short strings: the receiving half for text-like payloads."""
    return pickle_rate(args, strings(), load=True)


def process_start(args, method):
    """Start+join of one Process(target=noop), after one warm-up: the `startup_ms` of a method."""
    ctx = multiprocessing.get_context(method)

    def once():
        p = ctx.Process(target=noop)
        p.start()
        p.join()
        if p.exitcode != 0:
            raise RuntimeError("the %s child exited with %s" % (method, p.exitcode))

    once()
    runs = [wall(once) * 1e3 for _ in range(args.runs)]
    return runs, {"start_method": method, "warm_up_starts": 1}


@case("process_start_fork_ms")
def start_fork(args):
    """One fork process start+join: the simulation's fork start-up constant."""
    return process_start(args, "fork")


@case("process_start_forkserver_ms")
def start_forkserver(args):
    """One forkserver process start+join (server already up): the forkserver start-up constant."""
    return process_start(args, "forkserver")


@case("process_start_spawn_ms")
def start_spawn(args):
    """One spawn process start+join: the spawn start-up constant."""
    return process_start(args, "spawn")


def pool_wall(ctx, tasks):
    """Wall time of a fresh 2-worker pool mapping ``tasks`` no-ops, shutdown included."""
    from concurrent.futures import ProcessPoolExecutor

    t0 = time.perf_counter()
    with ProcessPoolExecutor(2, mp_context=ctx) as ex:
        list(ex.map(noop, range(tasks)))
    return time.perf_counter() - t0


def forkserver_twice():
    """In a fresh interpreter: prints the first and the second forkserver pool's wall, in s."""
    ctx = multiprocessing.get_context("forkserver")
    first = pool_wall(ctx, 4)
    second = pool_wall(ctx, 4)
    import json

    print(json.dumps([first, second]))


@case("forkserver_server_start_ms")
def forkserver_server(args):
    """First forkserver pool minus a second one, each run in a fresh interpreter: the server's own start."""
    import json
    import subprocess

    runs, firsts, seconds = [], [], []
    for _ in range(args.runs):
        out = subprocess.run(
            [sys.executable, __file__, "_forkserver_twice"],
            capture_output=True, text=True, timeout=60, check=True,
        )
        first, second = json.loads(out.stdout)
        runs.append((first - second) * 1e3)
        firsts.append(first * 1e3)
        seconds.append(second * 1e3)
    return runs, {"workers": 2, "tasks_per_pool": 4, "first_pool_ms": firsts, "second_pool_ms": seconds}


def pool_dispatch(args, chunksize):
    """Per-task wall of a warm 2-worker fork pool mapping 20,000 no-ops: dispatch cost per task."""
    from concurrent.futures import ProcessPoolExecutor

    tasks = 20_000
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork")) as ex:
        # A first map starts both workers, so start-up is not counted below.
        list(ex.map(noop, range(100)))
        runs = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            list(ex.map(noop, range(tasks), chunksize=chunksize))
            runs.append((time.perf_counter() - t0) / tasks * 1e6)
    return runs, {"workers": 2, "tasks": tasks, "chunksize": chunksize, "start_method": "fork"}


@case("pool_dispatch_us_per_task_chunksize_1")
def dispatch_1(args):
    """Per-task dispatch with chunksize 1: the per-task pickling and queue cost of `processes`."""
    return pool_dispatch(args, 1)


@case("pool_dispatch_us_per_task_chunksize_100")
def dispatch_100(args):
    """Per-task dispatch with chunksize 100: the same cost amortised over chunks."""
    return pool_dispatch(args, 100)


async def sleep_tasks(count, delay):
    """Gathers ``count`` tasks that each await asyncio.sleep(delay) once; returns the wall in s."""
    import asyncio

    t0 = time.perf_counter()
    await asyncio.gather(*(asyncio.sleep(delay) for _ in range(count)))
    return time.perf_counter() - t0


@case("asyncio_task_overhead_us")
def asyncio_overhead(args):
    """10,000 gathered tasks each awaiting sleep(0) once, per task: the `asyncio` model's task cost."""
    import asyncio

    count = 10_000
    runs = [asyncio.run(sleep_tasks(count, 0)) / count * 1e6 for _ in range(args.runs)]
    return runs, {"tasks": count, "sleep_s": 0}


@case("asyncio_eager_task_overhead_us")
def asyncio_eager_overhead(args):
    """The same 10,000 tasks each awaiting sleep(0) once, created with create_task under
    asyncio.eager_task_factory (3.12+): each runs inside create_task up to its await, so its
    first step skips the loop's call_soon. Raises before 3.12, which has no eager factory."""
    import asyncio

    if not hasattr(asyncio, "eager_task_factory"):
        raise RuntimeError("asyncio.eager_task_factory needs Python 3.12 or later")

    async def created(count):
        asyncio.get_running_loop().set_task_factory(asyncio.eager_task_factory)
        t0 = time.perf_counter()
        tasks = [asyncio.create_task(asyncio.sleep(0)) for _ in range(count)]
        await asyncio.gather(*tasks)
        return time.perf_counter() - t0

    count = 10_000
    # The lazy figure of the same runs, interleaved, so the saving is read on one machine state.
    runs, lazy = [], []
    for _ in range(args.runs):
        runs.append(asyncio.run(created(count)) / count * 1e6)
        lazy.append(asyncio.run(sleep_tasks(count, 0)) / count * 1e6)
    lazy_median = sorted(lazy)[len(lazy) // 2]
    return runs, {"tasks": count, "sleep_s": 0, "factory": "eager", "lazy_median_us": round(lazy_median, 3)}


# The task-group lesson's four downloads: A 1 s, B 0.2 s then raises, C 2 s, D 3 s.
FAILING_JOBS = [("A", 1.0, False), ("B", 0.2, True), ("C", 2.0, False), ("D", 3.0, False)]


@case("taskgroup_failure_ms")
def taskgroup_failure(args):
    """The task-group lesson under asyncio (3.11+): async with TaskGroup() over the four
    downloads; the time until main's except* runs. B's error cancels A, C and D at once."""
    import asyncio

    if not hasattr(asyncio, "TaskGroup"):
        raise RuntimeError("asyncio.TaskGroup needs Python 3.11 or later")

    async def fetch(wait, fail):
        await asyncio.sleep(wait)
        if fail:
            raise ConnectionError("B")

    async def main():
        t0 = time.perf_counter()
        try:
            async with asyncio.TaskGroup() as tg:
                for _, wait, fail in FAILING_JOBS:
                    tg.create_task(fetch(wait, fail))
        except BaseException:  # an ExceptionGroup; `except*` is not 3.9 syntax
            pass
        return time.perf_counter() - t0

    runs = [asyncio.run(main()) * 1e3 for _ in range(args.runs)]
    return runs, {"jobs": [list(j) for j in FAILING_JOBS]}


@case("threads_failure_ms")
def threads_failure(args):
    """The task-group lesson under a ThreadPoolExecutor(4): f.result() in as_completed raises
    B's error at 0.2 s, but leaving `with` waits for every thread; the time until except runs."""
    from concurrent.futures import ThreadPoolExecutor, as_completed

    def fetch(wait, fail):
        time.sleep(wait)
        if fail:
            raise ConnectionError("B")

    def once():
        t0 = time.perf_counter()
        try:
            with ThreadPoolExecutor(4) as pool:
                futures = [pool.submit(fetch, wait, fail) for _, wait, fail in FAILING_JOBS]
                for f in as_completed(futures):
                    f.result()
        except ConnectionError:
            pass
        return time.perf_counter() - t0

    runs = [once() * 1e3 for _ in range(args.runs)]
    return runs, {"jobs": [list(j) for j in FAILING_JOBS], "workers": 4}


@case("asyncio_gather_10000_sleeps_ms")
def asyncio_many_sleeps(args):
    """10,000 gathered asyncio.sleep(0.5): the `ten-thousand` lesson's asyncio makespan."""
    import asyncio

    count = 10_000
    runs = [asyncio.run(sleep_tasks(count, 0.5)) * 1e3 for _ in range(args.runs)]
    return runs, {"tasks": count, "sleep_s": 0.5}


@case("thread_start_join_us")
def thread_start_join(args):
    """Start+join of a thread running an empty function (each run: median of 100): thread start-up."""
    per_run = 100
    runs = []
    for _ in range(args.runs):
        times = []
        for _ in range(per_run):
            t0 = time.perf_counter()
            t = threading.Thread(target=noop)
            t.start()
            t.join()
            times.append(time.perf_counter() - t0)
        runs.append(sorted(times)[per_run // 2] * 1e6)
    return runs, {"threads_per_run": per_run, "statistic_per_run": "median"}


def start_sleepers(count, sleep_s):
    """Starts ``count`` threads that each sleep ``sleep_s``, one after another as a program
    does; returns (seconds to start them all, seconds until all have joined)."""
    threads = [threading.Thread(target=time.sleep, args=(sleep_s,)) for _ in range(count)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    started = time.perf_counter() - t0
    for t in threads:
        t.join()
    return started, time.perf_counter() - t0


@case("thread_start_us_100_sleepers")
def thread_start_sleepers(args):
    """Per-thread start of 100 threads that each sleep 1 s, started one after another: what a
    pool thread or a `threading.Thread` costs to start while the others exist."""
    runs = [start_sleepers(100, 1.0)[0] / 100 * 1e6 for _ in range(args.runs)]
    return runs, {"threads": 100, "sleep_s": 1.0}


@case("threads_10000_sleep_1s_ms")
def ten_thousand_threads(args):
    """10,000 threads that each sleep 1 s, started one after another and joined: the
    `ten-thousand` lesson's threads makespan (starting them is most of it)."""
    runs, starts = [], []
    for _ in range(args.runs):
        started, total = start_sleepers(10_000, 1.0)
        runs.append(total * 1e3)
        starts.append(round(started * 1e3, 1))
    return runs, {"threads": 10_000, "sleep_s": 1.0, "start_all_ms": starts}


COUNTER = [0]


def bump(x):
    """The call between the read and the write of the `call` snippet."""
    return x


def counter_plain(n):
    for _ in range(n):
        COUNTER[0] += 1


def counter_call(n):
    for _ in range(n):
        COUNTER[0] = bump(COUNTER[0]) + 1


COUNTER_LOCK = threading.Lock()


def counter_locked(n):
    for _ in range(n):
        with COUNTER_LOCK:
            COUNTER[0] += 1


def counter_race(args, loop):
    """Four threads each run ``loop`` 200,000 times on one shared counter: the share kept."""
    threads, n = 4, 200_000
    runs = []
    for _ in range(args.runs):
        COUNTER[0] = 0
        ts = [threading.Thread(target=loop, args=(n,)) for _ in range(threads)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        runs.append(COUNTER[0] / (threads * n))
    return runs, {"threads": threads, "increments_per_thread": n}


@case("counter_race_kept_plain")
def race_plain(args):
    """`counter[0] += 1` from four threads: the share of updates kept (the `counter-race` lesson)."""
    return counter_race(args, counter_plain)


@case("counter_race_kept_call")
def race_call(args):
    """`counter[0] = f(counter[0]) + 1` from four threads: a call between the read and the write."""
    return counter_race(args, counter_call)


@case("counter_race_kept_lock")
def race_lock(args):
    """`with lock: counter[0] += 1` from four threads: nothing lost."""
    return counter_race(args, counter_locked)


# Subinterpreters with their own GIL (PEP 684, 3.12+): the `interpreters` model. The public
# `concurrent.futures.InterpreterPoolExecutor` is 3.14; 3.12 and 3.13 have the same machinery
# behind the private `_xxsubinterpreters` / `_interpreters` modules, measured here.


def subinterpreters():
    """(create, run, destroy) for an interpreter with its own GIL, or raises on < 3.12."""
    if sys.version_info < (3, 12):
        # 3.11's private module makes interpreters that share the main GIL (PEP 684 is 3.12).
        raise RuntimeError("interpreters with their own GIL need Python 3.12 or later")
    try:
        import _interpreters as lowlevel

        return (
            lambda: lowlevel.create("isolated"),
            lambda i, code: lowlevel.exec(i, code),
            lowlevel.destroy,
        )
    except ImportError:
        pass
    import _xxsubinterpreters as lowlevel  # 3.12; ImportError before: no own-GIL interpreters

    return (
        lambda: lowlevel.create(isolated=True),
        lambda i, code: lowlevel.run_string(i, code),
        lowlevel.destroy,
    )


# What an InterpreterPoolExecutor worker runs first: 3.14's `from concurrent.futures.interpreter
# import WorkerContext`, which imports pickle and concurrent.futures.thread; on 3.12-3.13 those
# two imports stand for it.
INTERPRETER_INIT = "import pickle\nimport concurrent.futures.thread"


@case("interpreter_start_ms")
def interpreter_start(args):
    """Create an own-GIL interpreter and run its first import (destroying it is not timed):
    what one InterpreterPoolExecutor worker costs to start."""
    create, run, destroy = subinterpreters()

    def once():
        t0 = time.perf_counter()
        i = create()
        run(i, INTERPRETER_INIT)
        took = time.perf_counter() - t0
        destroy(i)
        return took * 1e3

    once()
    per_run = 5
    runs = [sorted(once() for _ in range(per_run))[per_run // 2] for _ in range(args.runs)]
    return runs, {"init": INTERPRETER_INIT, "starts_per_run": per_run, "statistic_per_run": "median"}


@case("interpreter_start_two_threads_ratio")
def interpreter_start_parallel(args):
    """Two interpreters created at once from two threads, over two created one after another:
    1.0 means creation is serialized (the runtime does one at a time), 0.5 fully parallel."""
    create, run, destroy = subinterpreters()

    def make(out):
        i = create()
        run(i, INTERPRETER_INIT)
        out.append(i)

    def two_in_a_row():
        out = []
        took = wall(lambda: (make(out), make(out)))
        for i in out:
            destroy(i)
        return took

    def two_at_once():
        out = []
        took = in_threads([(make, (out,)), (make, (out,))])
        for i in out:
            destroy(i)
        return took

    two_in_a_row()
    two_at_once()
    runs = [two_at_once() / two_in_a_row() for _ in range(args.runs)]
    return runs, {"interpreters": 2}


@case("interpreter_resident_kb")
def interpreter_resident(args):
    """Resident memory each live own-GIL interpreter adds (after its first import), from
    /proc/self/statm over 20 interpreters; `params.virtual_kb` is the address space added."""
    create, run, destroy = subinterpreters()
    page = os.sysconf("SC_PAGE_SIZE")

    def statm():
        with open("/proc/self/statm") as f:
            size, resident = f.read().split()[:2]
        return int(size) * page, int(resident) * page

    count = 20
    runs, virtual = [], []
    for _ in range(args.runs):
        size0, res0 = statm()
        ids = []
        for _ in range(count):
            i = create()
            run(i, INTERPRETER_INIT)
            ids.append(i)
        size1, res1 = statm()
        for i in ids:
            destroy(i)
        runs.append((res1 - res0) / count / 1024)
        virtual.append(round((size1 - size0) / count / 1024, 1))
    return runs, {"interpreters": count, "init": INTERPRETER_INIT, "virtual_kb": virtual}


@case("interpreters_2_spin_speedup")
def interpreters_speedup(args):
    """Two 200 ms spins one after another over the same two in two own-GIL interpreters on
    two threads (creation not timed): about 2 on two free cores, 1 if they shared a GIL."""
    create, run, destroy = subinterpreters()
    n = iterations(args.spin, 200)
    # The same loop as `spin`, in a function, so both run with fast locals.
    code = "def spin(n):\n    x = 0\n    for i in range(n):\n        x ^= i\n\nspin(%d)\n" % n
    runs = []
    for _ in range(args.runs):
        serial = wall(lambda: (spin(n), spin(n)))
        ids = [create(), create()]
        both = in_threads([(run, (i, code)) for i in ids])
        for i in ids:
            destroy(i)
        runs.append(serial / both)
    return runs, {"work_ms": 200, "iterations": n}


# The mixed program of lesson `async-to-thread`: four requests, each awaiting 100 ms, then a
# 200 ms blocking call, then 100 ms of Python, served by one event loop.


def server(spin_n, offload):
    """Runs the four requests; with ``offload``, the blocking call and the Python go to worker
    threads (`asyncio.to_thread`). Returns the wall time in seconds."""
    import asyncio

    def fetch():
        time.sleep(0.2)

    def render():
        return spin(spin_n)

    async def handle():
        await asyncio.sleep(0.1)
        if offload:
            await asyncio.to_thread(fetch)
            await asyncio.to_thread(render)
        else:
            fetch()
            render()

    async def main():
        await asyncio.gather(*(handle() for _ in range(4)))

    t0 = time.perf_counter()
    asyncio.run(main())
    return time.perf_counter() - t0


@case("asyncio_4_requests_blocking_ms")
def requests_blocking(args):
    """Four requests whose blocking call and 100 ms of Python run on the loop: `asyncio` in
    lesson `async-to-thread`."""
    n = iterations(args.spin, 100)
    return [server(n, False) * 1e3 for _ in range(args.runs)], {"requests": 4, "work_ms": 100}


@case("asyncio_4_requests_to_thread_ms")
def requests_to_thread(args):
    """The same four requests with `asyncio.to_thread` for the blocking call and the Python:
    `to-thread` in lesson `async-to-thread` (the waits overlap, the Python takes turns)."""
    n = iterations(args.spin, 100)
    return [server(n, True) * 1e3 for _ in range(args.runs)], {"requests": 4, "work_ms": 100}


# ---------------------------------------------------------------------------------------


def main():
    if sys.argv[1:] == ["_forkserver_twice"]:
        forkserver_twice()
        return
    import argparse
    import json

    parser = argparse.ArgumentParser(description="Measure one calibration case in this interpreter.")
    parser.add_argument("case", choices=sorted(CASES))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--spin", type=float, default=0.0, help="spin_iterations_per_ms, measured first")
    args = parser.parse_args()
    if args.case != "spin_iterations_per_ms" and args.spin <= 0:
        parser.error("--spin is required for every case but spin_iterations_per_ms")
    runs, params = CASES[args.case](args)
    print(json.dumps({"runs": runs, "params": params}))


if __name__ == "__main__":
    main()
