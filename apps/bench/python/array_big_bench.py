# dask.array's side of the `array-sum` and `array-chain` benchmarks: a 1-d uniform random float64
# array of n elements in blocks of `chunk`, generated inside the timed run (dask.array's seeded
# RandomState, one per block), then either summed (--mode sum) or put through the chain
# abs(sin(2x + 1)) and summed (--mode chain), on the threaded scheduler with `workers` threads.
# One process per run, so ru_maxrss is this workload's peak. Prints one JSON line: best and all
# times in ms, CPU ms of the best run, peak RSS in bytes, the mean of the summed values.
import argparse
import json
import resource
import sys
import time


def cpu_ms():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return (r.ru_utime + r.ru_stime) * 1000


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--n", type=int, required=True)
    p.add_argument("--chunk", type=int, required=True)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--reps", type=int, default=1)
    p.add_argument("--mode", choices=["sum", "chain"], default="sum")
    a = p.parse_args()

    import dask
    import dask.array as da
    from concurrent.futures import ThreadPoolExecutor

    pool = ThreadPoolExecutor(a.workers)
    times = []
    best_cpu = 0.0
    mean = None
    for _ in range(a.reps):
        t0 = time.perf_counter()
        c0 = cpu_ms()
        x = da.random.RandomState(1).random_sample(a.n, chunks=a.chunk)
        y = x.sum() if a.mode == "sum" else da.abs(da.sin(x * 2 + 1)).sum()
        s = y.compute(scheduler="threads", pool=pool, num_workers=a.workers)
        ms = (time.perf_counter() - t0) * 1000
        if not times or ms < min(times):
            best_cpu = cpu_ms() - c0
        times.append(ms)
        mean = float(s) / a.n
    print(
        json.dumps(
            {
                "best_ms": min(times),
                "times_ms": times,
                "cpu_ms": best_cpu,
                "peak_rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
                "mean": mean,
                "dask": dask.__version__,
            }
        )
    )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
