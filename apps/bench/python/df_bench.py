"""dask.dataframe peer of the df-groupby suite: read_csv (blocksize) then groupby(key).value.sum().

Usage: df_bench.py PATH --blocksize BYTES --workers N --reps R
Prints one JSON line: best_ms, times_ms, cpu_ms (user + system time of this process during the
best repetition), result ([number of groups, total of the sums]), dask, python.
"""
import argparse
import json
import platform
import resource
import time

import dask
import dask.dataframe as dd


def cpu_seconds():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def main():
    p = argparse.ArgumentParser()
    p.add_argument("path")
    p.add_argument("--blocksize", type=int, default=64 << 20)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--reps", type=int, default=3)
    a = p.parse_args()
    times = []
    cpus = []
    result = None
    with dask.config.set(scheduler="threads", num_workers=a.workers):
        for _ in range(a.reps):
            c0 = cpu_seconds()
            t0 = time.perf_counter()
            sums = dd.read_csv(a.path, blocksize=a.blocksize).groupby("key").value.sum().compute()
            times.append((time.perf_counter() - t0) * 1000)
            cpus.append((cpu_seconds() - c0) * 1000)
            result = [int(len(sums)), float(sums.sum())]
    best = min(range(len(times)), key=times.__getitem__)
    print(json.dumps({"best_ms": times[best], "times_ms": times, "cpu_ms": cpus[best], "result": result,
                      "dask": dask.__version__, "python": platform.python_version()}))


if __name__ == "__main__":
    main()
