# NumPy's and dask.array's side of the `array-mean` benchmark: (x + x.T)[::2, n//2:].mean(axis=1)
# over x = uniform random numbers (n x n float64), the numbers generated inside the timed run as
# dask-ts does. NumPy: one thread, the whole array in memory. dask.array: blocks of `chunk`, the
# threaded scheduler with `workers` threads (it computes only the blocks the slice needs). Prints
# one JSON line: best and all times in ms for each, the mean of the result (about 1) and the
# versions.
import argparse
import json
import platform
import sys
import time


def best(fn, reps):
    times = []
    out = None
    for _ in range(reps):
        t0 = time.perf_counter()
        out = fn()
        times.append((time.perf_counter() - t0) * 1000)
    return min(times), times, out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--n", type=int, required=True)
    p.add_argument("--chunk", type=int, required=True)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--reps", type=int, default=3)
    a = p.parse_args()

    import numpy as np

    half = a.n // 2

    def numpy_run():
        x = np.random.default_rng(1).random((a.n, a.n))
        return (x + x.T)[::2, half:].mean(axis=1)

    np_best, np_times, np_out = best(numpy_run, a.reps)
    result = {
        "numpy_ms": np_best,
        "numpy_times_ms": np_times,
        "numpy_mean": float(np_out.mean()),
        "numpy_len": int(np_out.shape[0]),
        "numpy": np.__version__,
        "python": platform.python_version(),
    }
    try:
        import dask
        import dask.array as da
        from concurrent.futures import ThreadPoolExecutor

        pool = ThreadPoolExecutor(a.workers)

        def dask_run():
            x = da.random.RandomState(1).random_sample((a.n, a.n), chunks=a.chunk)
            y = (x + x.T)[::2, half:].mean(axis=1)
            return y.compute(scheduler="threads", pool=pool, num_workers=a.workers)

        dask_run()  # warm-up: imports and the thread pool
        d_best, d_times, d_out = best(dask_run, a.reps)
        result.update(
            {
                "dask_ms": d_best,
                "dask_times_ms": d_times,
                "dask_mean": float(d_out.mean()),
                "dask_len": int(d_out.shape[0]),
                "dask": dask.__version__,
            }
        )
    except ImportError:
        pass
    print(json.dumps(result))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
