"""dask.bag peer of the bag-wordfreq and bag-json suites (processes scheduler).

Usage: bag_bench.py wordfreq|json PATH --blocksize BYTES --workers N --reps R
Prints one JSON line: best_ms, times_ms, cpu_ms (user + system time of this script and its worker
processes during the best repetition), result (a checksum comparable with dask-ts), dask, python.
"""
import argparse
import json
import platform
import resource
import time

import dask
import dask.bag as db


def wordfreq(path, blocksize):
    freq = db.read_text(path, blocksize=blocksize).str.split().flatten().frequencies()
    pairs = freq.compute()
    return [len(pairs), sum(n for _, n in pairs)]


def amount_big(r):
    return r["amount"] > 50


def add_amount(acc, r):
    return acc + r["amount"]


def add(a, b):
    return a + b


def jsonlines(path, blocksize):
    b = db.read_text(path, blocksize=blocksize).map(json.loads).filter(amount_big)
    pairs = b.foldby("user", add_amount, 0, add, 0).compute()
    return [len(pairs), sum(v for _, v in pairs)]


def cpu_seconds():
    """User + system time of this process and its finished children (the pool's workers)."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        r = resource.getrusage(who)
        total += r.ru_utime + r.ru_stime
    return total


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["wordfreq", "json"])
    p.add_argument("path")
    p.add_argument("--blocksize", type=int, default=64 << 20)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--reps", type=int, default=3)
    a = p.parse_args()
    fn = wordfreq if a.mode == "wordfreq" else jsonlines
    times = []
    cpus = []
    result = None
    with dask.config.set(scheduler="processes", num_workers=a.workers):
        for _ in range(a.reps):
            c0 = cpu_seconds()
            t0 = time.perf_counter()
            result = fn(a.path, a.blocksize)
            times.append((time.perf_counter() - t0) * 1000)
            cpus.append((cpu_seconds() - c0) * 1000)
    best = min(range(len(times)), key=times.__getitem__)
    print(json.dumps({"best_ms": times[best], "times_ms": times, "cpu_ms": cpus[best], "result": result,
                      "dask": dask.__version__, "python": platform.python_version()}))


if __name__ == "__main__":
    main()
