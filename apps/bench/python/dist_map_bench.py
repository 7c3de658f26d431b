# dask.distributed's side of the dist-map benchmark: a LocalCluster of 2 worker processes with 1
# thread each (the same shape as dask-ts's Client.local({ nWorkers: 2 })), `client.map` of N
# no-op tasks gathered back (one untimed run of 1,000 first, then best of `reps`), and the median
# of `roundtrips` `client.submit(noop, i).result()` round trips. Prints one JSON line.
import argparse
import json
import logging
import platform
import statistics
import time


def noop(x):
    return x


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--tasks", type=int, default=20000)
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--roundtrips", type=int, default=200)
    a = p.parse_args()

    import dask
    from dask.distributed import Client, LocalCluster

    cluster = LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        silence_logs=logging.ERROR,
    )
    client = Client(cluster)
    try:
        client.gather(client.map(noop, range(1000), pure=False))
        times = []
        for _ in range(a.reps):
            t0 = time.perf_counter()
            out = client.gather(client.map(noop, range(a.tasks), pure=False))
            times.append((time.perf_counter() - t0) * 1000)
            if sum(out) != a.tasks * (a.tasks - 1) // 2:
                raise SystemExit("dask.distributed map returned a wrong sum")
        rts = []
        for i in range(a.roundtrips):
            t0 = time.perf_counter()
            if client.submit(noop, i, pure=False).result() != i:
                raise SystemExit("dask.distributed submit returned a wrong value")
            rts.append((time.perf_counter() - t0) * 1000)
    finally:
        client.close()
        cluster.close()
    print(
        json.dumps(
            {
                "map_best_ms": min(times),
                "map_times_ms": times,
                "tasks": a.tasks,
                "roundtrip_median_ms": statistics.median(rts),
                "dask": dask.__version__,
                "python": platform.python_version(),
            }
        )
    )


if __name__ == "__main__":
    main()
