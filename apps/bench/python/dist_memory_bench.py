"""dask.distributed side of the `dist-memory` suite: the same delayed graph as dask-ts's (L leaves
of 8 MiB, each mixed with the leaf half a turn away, reduced to one number each and summed) on a
LocalCluster of 2 worker processes x 1 thread, without a memory limit and with 256 MiB per
worker. Prints JSON: for each run its time (ms, or null when it failed or passed the deadline,
with the error), and each worker process's peak RSS (MiB, from getrusage)."""
import argparse
import json
import resource
import time

import dask
import numpy as np
from dask import delayed
from dask.distributed import Client, LocalCluster


def make(i, n):
    return np.full(n, float(i))


def mix(a, b):
    return a + b


def pick(a):
    return float(a[-1])


def add(a, b):
    return a + b


def graph(leaves):
    n = 8 * 2**20 // 8
    made = [delayed(make)(i, n) for i in range(leaves)]
    level = [delayed(pick)(delayed(mix)(made[i], made[(i + leaves // 2) % leaves])) for i in range(leaves)]
    while len(level) > 1:
        level = [delayed(add)(level[i], level[i + 1]) if i + 1 < len(level) else level[i] for i in range(0, len(level), 2)]
    return level[0]


def peak_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(leaves, limit, deadline):
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                           memory_limit=limit, dashboard_address=None)
    client = Client(cluster)
    try:
        t0 = time.perf_counter()
        try:
            out = client.compute(graph(leaves)).result(timeout=deadline)
            ms = (time.perf_counter() - t0) * 1000
            error = None if out == leaves * (leaves - 1) else f"wrong result {out}"
        except Exception as e:  # noqa: BLE001 - reported, not raised
            ms, error = None, f"{type(e).__name__}: {e}"[:300]
        try:
            peaks = sorted(client.run(peak_mib).values())
        except Exception:  # noqa: BLE001
            peaks = []
        return {"ms": ms if error is None else None, "error": error, "peaks": peaks}
    finally:
        client.close()
        cluster.close()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--leaves", type=int, default=128)
    p.add_argument("--deadline", type=float, default=300)
    a = p.parse_args()
    free = run(a.leaves, 0, a.deadline)
    bound = run(a.leaves, "256MiB", a.deadline)
    print(json.dumps({"free": free, "bound": bound, "dask": dask.__version__}))


if __name__ == "__main__":
    main()
