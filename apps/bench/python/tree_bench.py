# Dask's side of the tree benchmarks: the same graph shape as apps/bench/src/tree-graph.ts (no-op
# leaf tasks returning their index, pairwise `add` up to one root), built before timing, run with
# Dask's sync or threaded scheduler, or on dask.distributed (a LocalCluster of `--workers` worker
# processes with one thread each, `client.get`), after one untimed run (the same warm-up every
# implementation gets). Prints one JSON line: best and all times in ms, the task
# count, the result (checked against n*(n-1)/2) and the versions.
import argparse
import json
import platform
import sys
import time
from operator import add


def noop(x):
    return x


def tree_graph(leaves):
    dsk = {}
    level = []
    for i in range(leaves):
        k = "l-%d" % i
        dsk[k] = (noop, i)
        level.append(k)
    depth = 0
    while len(level) > 1:
        nxt = []
        for j in range(0, len(level) - 1, 2):
            k = "s-%d-%d" % (depth, j // 2)
            dsk[k] = (add, level[j], level[j + 1])
            nxt.append(k)
        if len(level) % 2 == 1:
            nxt.append(level[-1])
        level = nxt
        depth += 1
    return dsk, level[0]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--leaves", type=int, required=True)
    p.add_argument("--scheduler", choices=["sync", "threads", "distributed"], required=True)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--warmup", type=int, default=1)
    a = p.parse_args()

    import dask
    import dask.local
    import dask.threaded

    dsk, root = tree_graph(a.leaves)
    cleanup = lambda: None
    if a.scheduler == "sync":
        run = lambda: dask.local.get_sync(dsk, root)
    elif a.scheduler == "distributed":
        import logging
        from dask.distributed import Client, LocalCluster

        cluster = LocalCluster(
            n_workers=a.workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        )
        client = Client(cluster)
        run = lambda: client.get(dsk, root)

        def cleanup():
            client.close()
            cluster.close()

    else:
        from concurrent.futures import ThreadPoolExecutor

        pool = ThreadPoolExecutor(a.workers)
        run = lambda: dask.threaded.get(dsk, root, num_workers=a.workers, pool=pool)

    expected = a.leaves * (a.leaves - 1) // 2
    times = []
    try:
        for _ in range(a.warmup):
            run()
        for _ in range(a.reps):
            t0 = time.perf_counter()
            result = run()
            times.append((time.perf_counter() - t0) * 1000)
            if result != expected:
                raise SystemExit("wrong result %r, expected %r" % (result, expected))
    finally:
        cleanup()
    print(
        json.dumps(
            {
                "best_ms": min(times),
                "times_ms": times,
                "tasks": len(dsk),
                "result": result,
                "dask": dask.__version__,
                "python": platform.python_version(),
            }
        )
    )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
