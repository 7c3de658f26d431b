# dask.array's side of the `array-rechunk` benchmark: an n x n uniform random float64 array in
# row bands (chunk x n), reduced with max over axis 0 as it is (--mode base) or after rechunking
# to column bands (n x chunk, --mode rechunk), on the threaded scheduler with `workers` threads.
# One process per mode, so ru_maxrss is that mode's peak. Prints one JSON line.
import argparse
import json
import resource
import sys
import time


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--n", type=int, required=True)
    p.add_argument("--chunk", type=int, required=True)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--reps", type=int, default=2)
    p.add_argument("--mode", default="rechunk")
    a = p.parse_args()

    import dask
    import dask.array as da
    from concurrent.futures import ThreadPoolExecutor

    pool = ThreadPoolExecutor(a.workers)
    times = []
    low = None
    for _ in range(a.reps):
        t0 = time.perf_counter()
        x = da.random.RandomState(1).random_sample((a.n, a.n), chunks=(a.chunk, a.n))
        y = x if a.mode == "base" else x.rechunk((a.n, a.chunk))
        m = y.max(axis=0).compute(scheduler="threads", pool=pool, num_workers=a.workers)
        times.append((time.perf_counter() - t0) * 1000)
        low = float(m.min())
    print(
        json.dumps(
            {
                "best_ms": min(times),
                "times_ms": times,
                "peak_rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
                "low": low,
                "dask": dask.__version__,
            }
        )
    )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
