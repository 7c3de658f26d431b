# NumPy's and dask.array's side of the `array-matmul` benchmark, run with one BLAS thread
# (OPENBLAS_NUM_THREADS=1, set by the suite) so NumPy is the per-core reference and dask.array's
# threads each run a single-threaded BLAS, as dask-ts's workers each run one kernel. Times: the
# matrix product of two n x n uniform random float64 arrays (made before the timed run): NumPy on
# whole arrays, dask.array in blocks of `chunk` on `workers` threads (x @ y, computed to one
# array); and NumPy's product of two kernel_n x kernel_n arrays. Prints one JSON line.
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
    p.add_argument("--kernel-n", type=int, default=1000)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--reps", type=int, default=3)
    a = p.parse_args()

    import numpy as np

    rng = np.random.default_rng(1)
    x = rng.random((a.n, a.n))
    y = rng.random((a.n, a.n))
    np_best, np_times, z = best(lambda: x @ y, a.reps)
    k = a.kernel_n
    kx = rng.random((k, k))
    ky = rng.random((k, k))
    k_best, k_times, _ = best(lambda: kx @ ky, a.reps + 2)
    result = {
        "numpy_ms": np_best,
        "numpy_times_ms": np_times,
        "numpy_mean": float(z.mean()),
        "numpy_kernel_ms": k_best,
        "numpy": np.__version__,
        "python": platform.python_version(),
    }
    try:
        import dask
        import dask.array as da
        from concurrent.futures import ThreadPoolExecutor

        pool = ThreadPoolExecutor(a.workers)
        dx = da.from_array(x, chunks=a.chunk).persist(scheduler="threads", pool=pool)
        dy = da.from_array(y, chunks=a.chunk).persist(scheduler="threads", pool=pool)

        def dask_run():
            return (dx @ dy).compute(scheduler="threads", pool=pool, num_workers=a.workers)

        dask_run()  # warm-up
        d_best, d_times, d_out = best(dask_run, a.reps)
        result.update(
            {
                "dask_ms": d_best,
                "dask_times_ms": d_times,
                "dask_mean": float(d_out.mean()),
                "dask": dask.__version__,
            }
        )
    except ImportError:
        pass
    print(json.dumps(result))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
