"""Calibration driver: measures the reference workloads under every real CPython here.

This file owns the orchestration and the output format of ``calibration/measured.json``:
which interpreters are measured, which cases with how many runs, the time-outs, and the
JSON schema (version 1) that the Rust tests read. The measuring itself lives in
``cases.py``, which this driver runs once per case in a fresh process of the interpreter
under test. See ``calibration/README.md`` for how to run it and what each case means.

Runs on any Python 3.9+, standard library only; installs nothing and uses no network.
"""

import argparse
import datetime
import json
import math
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CASES_PY = os.path.join(HERE, "cases.py")
DEFAULT_OUT = os.path.join(HERE, "measured.json")
SCHEMA = 1
MIN_VERSION = (3, 9)


class Case:
    """One case of the contract: its id and unit (read by Rust), its runs and its time limit."""

    def __init__(self, case_id, unit, runs, quick_runs, seconds_per_run):
        self.id = case_id
        self.unit = unit
        self.runs = runs
        self.quick_runs = quick_runs
        self.seconds_per_run = seconds_per_run

    def timeout(self, runs):
        """A generous time-out: start-up and sizing, then several times a slow run each."""
        return 30 + runs * self.seconds_per_run


# The order is the order of measurement. Steady cases run 5 times; GIL-contention cases run
# 9 times, because the operating system's scheduling makes them vary from run to run. The
# chunksize-1 pool runs 3 times: each run already averages 20,000 tasks and takes seconds.
CASES = [
    Case("spin_iterations_per_ms", "iterations/ms", 9, 3, 2),
    Case("serial_cpu_4x150ms", "ms", 5, 2, 5),
    Case("threads_cpu_4x150ms_switch_5ms", "ms", 9, 3, 10),
    Case("serial_cpu_2x200ms", "ms", 5, 2, 5),
    Case("threads_cpu_2x200ms_switch_0.1ms", "ms", 9, 3, 10),
    Case("gil_handoff_us_switch_5ms", "us", 9, 3, 10),
    Case("gil_handoff_us_switch_1ms", "us", 9, 3, 10),
    Case("gil_handoff_us_switch_0.1ms", "us", 9, 3, 10),
    Case("convoy_reader_slowdown", "ratio", 9, 3, 10),
    Case("io_beside_two_cpu_slowdown", "ratio", 9, 3, 20),
    Case("sleep_1ms_actual_us", "us", 5, 2, 5),
    Case("pickle_ints_mb_s", "MB/s", 5, 2, 5),
    Case("unpickle_ints_mb_s", "MB/s", 5, 2, 5),
    Case("pickle_strings_mb_s", "MB/s", 5, 2, 5),
    Case("unpickle_strings_mb_s", "MB/s", 5, 2, 5),
    Case("process_start_fork_ms", "ms", 9, 3, 5),
    Case("process_start_forkserver_ms", "ms", 9, 3, 5),
    Case("process_start_spawn_ms", "ms", 5, 2, 10),
    Case("forkserver_server_start_ms", "ms", 5, 2, 20),
    Case("pool_dispatch_us_per_task_chunksize_1", "us", 3, 2, 30),
    Case("pool_dispatch_us_per_task_chunksize_100", "us", 5, 2, 10),
    Case("asyncio_task_overhead_us", "us", 5, 2, 5),
    Case("asyncio_eager_task_overhead_us", "us", 5, 2, 5),
    Case("taskgroup_failure_ms", "ms", 3, 2, 15),
    Case("threads_failure_ms", "ms", 3, 2, 30),
    Case("asyncio_gather_10000_sleeps_ms", "ms", 5, 2, 10),
    Case("thread_start_join_us", "us", 5, 2, 10),
    Case("thread_start_us_100_sleepers", "us", 5, 2, 5),
    Case("threads_10000_sleep_1s_ms", "ms", 3, 2, 15),
    Case("counter_race_kept_plain", "ratio", 9, 3, 2),
    Case("counter_race_kept_call", "ratio", 9, 3, 2),
    Case("counter_race_kept_lock", "ratio", 5, 2, 5),
    Case("interpreter_start_ms", "ms", 5, 2, 10),
    Case("interpreter_start_two_threads_ratio", "ratio", 5, 2, 10),
    Case("interpreter_resident_kb", "KB", 3, 2, 20),
    Case("interpreters_2_spin_speedup", "ratio", 5, 2, 15),
    Case("asyncio_4_requests_blocking_ms", "ms", 5, 2, 5),
    Case("asyncio_4_requests_to_thread_ms", "ms", 9, 3, 5),
]
CASE_IDS = [c.id for c in CASES]
SPIN = "spin_iterations_per_ms"

# Asks a candidate interpreter what it is, in one line of JSON. Free-threading is detected
# both ways: the build flag, and a GIL that is really off at run time.
PROBE = r"""
import json, platform, sys, sysconfig
gil_check = getattr(sys, "_is_gil_enabled", None)
print(json.dumps({
    "implementation": platform.python_implementation(),
    "version": platform.python_version(),
    "version_info": list(sys.version_info[:3]),
    "executable": sys.executable,
    "free_threaded": bool(sysconfig.get_config_var("Py_GIL_DISABLED"))
        or (gil_check is not None and not gil_check()),
}))
"""


def log(message):
    """Progress goes to stderr, unbuffered, so it shows while a long case runs."""
    print(message, file=sys.stderr, flush=True)


def round_sig(value, digits=4):
    """Rounds every float in a JSON-like value to ``digits`` significant digits."""
    if isinstance(value, float):
        # NaN and infinity are not JSON; a figure that cannot be computed is null instead.
        return float("%.*g" % (digits, value)) if math.isfinite(value) else None
    if isinstance(value, list):
        return [round_sig(v, digits) for v in value]
    if isinstance(value, dict):
        return {k: round_sig(v, digits) for k, v in value.items()}
    return value


def run_isolated(argv, timeout):
    """Runs argv in its own process group; returns (exit code, stdout, stderr).

    On a time-out the whole group is killed, pool workers and fork servers included, so a
    hung case can neither block the run nor leave processes behind.
    """
    proc = subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
        text=True, cwd=HERE, start_new_session=True,
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_group(proc)
        proc.communicate()
        raise
    except BaseException:
        kill_group(proc)
        raise
    return proc.returncode, out, err


def kill_group(proc):
    """Kills the process group this driver created for one case (and only that group)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


# ---------------------------------------------------------------------------------------
# Interpreters


def pyenv_versions_dir():
    """pyenv's versions folder, if pyenv is installed (asked of pyenv itself when on PATH)."""
    root = os.environ.get("PYENV_ROOT")
    if not root and shutil.which("pyenv"):
        try:
            root = subprocess.run(["pyenv", "root"], capture_output=True, text=True, timeout=20).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            root = None
    root = root or os.path.expanduser("~/.pyenv")
    versions = os.path.join(root, "versions")
    return versions if os.path.isdir(versions) else None


def candidate_executables():
    """python3 on PATH, then each pyenv version's python3 and any free-threaded python3.Nt."""
    found = []
    on_path = shutil.which("python3")
    if on_path:
        found.append(on_path)
    versions = pyenv_versions_dir()
    if versions:
        for name in sorted(os.listdir(versions)):
            bin_dir = os.path.join(versions, name, "bin")
            if not os.path.isdir(bin_dir):
                continue
            for exe in sorted(os.listdir(bin_dir)):
                if exe == "python3" or re.fullmatch(r"python3\.\d+t", exe):
                    found.append(os.path.join(bin_dir, exe))
    return found


def probe(executable):
    """What the interpreter at ``executable`` is, or None if it does not answer like a Python 3."""
    try:
        code, out, _ = run_isolated([executable, "-I", "-c", PROBE], timeout=30)
        return json.loads(out) if code == 0 else None
    except (OSError, ValueError, subprocess.SubprocessError):
        return None


def discover(explicit):
    """The CPythons to measure, 3.9 and later, each once, sorted by version."""
    chosen = {}
    for exe in explicit or candidate_executables():
        info = probe(exe)
        if info is None:
            log("skip %s: it does not run as Python 3" % exe)
            continue
        if info["implementation"] != "CPython":
            log("skip %s: %s is not CPython" % (exe, info["implementation"]))
            continue
        if tuple(info["version_info"]) < MIN_VERSION:
            log("skip %s: %s is older than 3.9" % (exe, info["version"]))
            continue
        # The pyenv shim on PATH and the version it points to are one interpreter.
        key = (os.path.realpath(info["executable"]), info["free_threaded"])
        chosen.setdefault(key, info)
    return sorted(chosen.values(), key=lambda i: (i["version_info"], i["free_threaded"], i["executable"]))


# ---------------------------------------------------------------------------------------
# Cases


def measure(info, case, runs, spin_rate):
    """Runs one case in a fresh process of the interpreter; returns the case's JSON object."""
    argv = [info["executable"], "-I", CASES_PY, case.id, "--runs", str(runs)]
    if spin_rate:
        argv += ["--spin", repr(spin_rate)]
    try:
        code, out, err = run_isolated(argv, case.timeout(runs))
    except subprocess.TimeoutExpired:
        return {"error": "timed out after %d s" % case.timeout(runs)}
    except OSError as e:
        return {"error": "could not start: %s" % e}
    if code != 0:
        last = [line for line in err.strip().splitlines() if line.strip()][-1:] or ["no message"]
        return {"error": "exit status %s: %s" % (code, last[0].strip())}
    try:
        result = json.loads(out.strip().splitlines()[-1])
        values = [float(v) for v in result["runs"]]
    except (ValueError, KeyError, IndexError, TypeError):
        return {"error": "unreadable output: %r" % out[-200:]}
    if not values:
        return {"error": "no run produced a value"}
    return round_sig({
        "unit": case.unit,
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "runs": values,
        "params": result.get("params", {}),
    })


def describe(result):
    """One progress line's worth of a case's result."""
    if "error" in result:
        return "ERROR %s" % result["error"]
    return "median %g %s (min %g, max %g, %d runs)" % (
        result["median"], result["unit"], result["min"], result["max"], len(result["runs"]))


def measure_interpreter(info, cases, quick):
    """Measures the chosen cases under one interpreter, the spin rate first (it sizes the rest)."""
    label = info["version"] + (" free-threaded" if info["free_threaded"] else "")
    results = {}
    spin_case = next(c for c in CASES if c.id == SPIN)
    spin = measure(info, spin_case, spin_case.quick_runs if quick else spin_case.runs, None)
    results[SPIN] = spin
    log("[%s] %s: %s" % (label, SPIN, describe(spin)))
    for case in cases:
        if case.id == SPIN:
            continue
        if "error" in spin:
            results[case.id] = {"error": "not sized: spin_iterations_per_ms failed"}
            continue
        started = time.monotonic()
        results[case.id] = measure(info, case, case.quick_runs if quick else case.runs, spin["median"])
        log("[%s] %s: %s, %.1f s" % (label, case.id, describe(results[case.id]), time.monotonic() - started))
    return {
        "version": info["version"],
        "implementation": info["implementation"],
        "free_threaded": info["free_threaded"],
        "executable": info["executable"],
        "cases": results,
    }


# ---------------------------------------------------------------------------------------


def load_average():
    """The 1, 5 and 15 minute load averages, or None where the platform has none."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except (AttributeError, OSError):
        return None


def write_json(path, document):
    """Writes sorted keys with a 2-space indent (readable diffs), replacing the file at once."""
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(document, f, sort_keys=True, indent=2)
        f.write("\n")
    os.replace(tmp, path)


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="./kitchen calibrate",
        description="Measure the reference workloads under every CPython 3.9+ here and write "
        "calibration/measured.json (about 10 minutes for five interpreters).",
    )
    parser.add_argument("--python", action="append", metavar="PATH",
                        help="measure only this interpreter (repeatable); default: python3 on PATH and pyenv's")
    parser.add_argument("--case", action="append", metavar="ID", choices=CASE_IDS,
                        help="measure only this case (repeatable); spin_iterations_per_ms is always measured")
    parser.add_argument("--quick", action="store_true", help="two or three runs per case, for trying it out")
    parser.add_argument("--out", metavar="FILE", default=DEFAULT_OUT,
                        help="where to write the JSON (default: calibration/measured.json)")
    parser.add_argument("--merge", action="store_true",
                        help="keep what FILE already holds for the interpreters and cases not measured now")
    parser.add_argument("--list", action="store_true", help="list the case ids and units, then exit")
    return parser.parse_args(argv)


def check_contract():
    """Fails at once if this table and cases.py disagree on the case ids."""
    sys.dont_write_bytecode = True  # Nothing but the JSON is written, not even __pycache__.
    sys.path.insert(0, HERE)
    import cases

    if sorted(cases.CASES) != sorted(CASE_IDS):
        raise SystemExit("calibrate: cases.py and calibrate.py list different cases: %s" % sorted(
            set(cases.CASES) ^ set(CASE_IDS)))


def merge(path, measured, requested):
    """The interpreters of the JSON at ``path`` with the cases just measured laid over them.
    The spin rate, measured every time to size the cases, replaces the file's only if asked
    for: the file's CPU-bound cases were sized with the rate it holds."""
    with open(path) as f:
        old = {i["executable"]: i for i in json.load(f)["interpreters"]}
    for info in measured:
        kept = old.get(info["executable"])
        if kept is not None:
            cases = dict(info["cases"])
            if SPIN not in requested and SPIN in kept["cases"]:
                cases.pop(SPIN, None)
            kept["cases"].update(cases)
            info["cases"] = dict(sorted(kept["cases"].items()))
        old[info["executable"]] = info
    return sorted(old.values(), key=lambda i: [int(x) for x in re.findall(r"\d+", i["version"])])


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    check_contract()
    if args.list:
        print("\n".join("%-42s %s" % (c.id, c.unit) for c in CASES))
        return 0
    cases = [c for c in CASES if not args.case or c.id in args.case]
    started = time.monotonic()
    load_before = load_average()
    measured_at = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    interpreters = discover(args.python)
    if not interpreters:
        log("calibrate: no CPython 3.9+ found")
        return 1
    log("calibrate: %s; load average %s" % (", ".join(i["executable"] for i in interpreters), load_before))
    measured = [measure_interpreter(info, cases, args.quick) for info in interpreters]
    previous = None
    if args.merge and os.path.exists(args.out):
        with open(args.out) as f:
            previous = json.load(f)
        measured = merge(args.out, measured, [c.id for c in cases])
    document = {
        "schema": SCHEMA,
        "measured_at": measured_at,
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "load_average_before": load_before,
            "load_average_after": load_average(),
        },
        "interpreters": measured,
    }
    if previous is not None:
        # The file stays the first run's, with a record of each merge laid over it.
        document["measured_at"] = previous.get("measured_at", measured_at)
        document["machine"] = previous.get("machine", document["machine"])
        document["merged"] = previous.get("merged", []) + [{
            "at": measured_at,
            "cases": [c.id for c in cases],
            "load_average_before": load_before,
            "load_average_after": load_average(),
        }]
    write_json(args.out, document)
    ok = sum(1 for i in measured for r in i["cases"].values() if "error" not in r)
    failed = sum(1 for i in measured for r in i["cases"].values() if "error" in r)
    log("calibrate: wrote %s: %d cases measured, %d failed, in %.0f s; load average after %s" % (
        args.out, ok, failed, time.monotonic() - started, document["machine"]["load_average_after"]))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
