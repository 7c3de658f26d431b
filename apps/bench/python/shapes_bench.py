# Dask's side of the `shapes` benchmark: the same graph shapes as apps/bench/src/shape-graphs.ts (same
# task counts, edges and results), built as plain dicts before timing and run with Dask's sync
# scheduler (dask.local.get_sync) and its threaded scheduler (num_workers workers), after
# `warmup` untimed runs, best of `reps`. Prints one JSON line: for each shape, its task and edge
# counts and the best ms on each scheduler (results are checked against the expected values).
import argparse
import json
import platform
import sys
import time
from operator import add


def noop(x):
    return x


def inc(x):
    return x + 1


def sum_list(xs):
    s = 0
    for x in xs:
        s += x
    return s


def split(i, k):
    return [i * k + j for j in range(k)]


def stencil(c, a, b, d, e):
    return (c + a + b + d + e) % 1000


def tree_into(dsk, prefix, leaves):
    level = []
    for i, v in enumerate(leaves):
        k = "%s-l-%d" % (prefix, i)
        dsk[k] = (noop, v)
        level.append(k)
    depth = 0
    while len(level) > 1:
        nxt = []
        for j in range(0, len(level) - 1, 2):
            k = "%s-s-%d-%d" % (prefix, depth, j // 2)
            dsk[k] = (add, level[j], level[j + 1])
            nxt.append(k)
        if len(level) % 2 == 1:
            nxt.append(level[-1])
        level = nxt
        depth += 1
    return level[0]


def edges_of(dsk):
    n = 0
    for v in dsk.values():
        if isinstance(v, tuple):
            for a in v[1:]:
                if isinstance(a, list):
                    n += sum(1 for x in a if isinstance(x, str) and x in dsk)
                elif isinstance(a, str) and a in dsk:
                    n += 1
    return n


def build(shape, n):
    """Returns a list of (graph, root key) and the expected results, as shapes.ts builds them."""
    dsk = {}
    if shape == "tree":
        leaves = (n + 1) // 2
        root = tree_into(dsk, "t", range(leaves))
        return [(dsk, root)], [leaves * (leaves - 1) // 2]
    if shape == "fan-in":
        m = n - 1
        ks = []
        for i in range(m):
            dsk["l-%d" % i] = (noop, i)
            ks.append("l-%d" % i)
        dsk["sum"] = (sum_list, ks)
        return [(dsk, "sum")], [m * (m - 1) // 2]
    if shape == "fan-out":
        m = n - 2
        dsk["root"] = (noop, 1)
        ks = []
        for i in range(m):
            dsk["o-%d" % i] = (add, "root", i)
            ks.append("o-%d" % i)
        dsk["sum"] = (sum_list, ks)
        return [(dsk, "sum")], [m + m * (m - 1) // 2]
    if shape == "chain":
        dsk["c-0"] = (noop, 0)
        for i in range(1, n):
            dsk["c-%d" % i] = (inc, "c-%d" % (i - 1))
        return [(dsk, "c-%d" % (n - 1))], [n - 1]
    if shape == "shuffle":
        k = round(n ** 0.5)
        for i in range(k):
            dsk["split-%d" % i] = (split, i, k)
            for j in range(k):
                dsk["part-%d-%d" % (i, j)] = (getitem, "split-%d" % i, j)
        for j in range(k):
            dsk["combine-%d" % j] = (sum_list, ["part-%d-%d" % (i, j) for i in range(k)])
        dsk["sum"] = (sum_list, ["combine-%d" % j for j in range(k)])
        kk = k * k
        return [(dsk, "sum")], [kk * (kk - 1) // 2]
    if shape == "stencil":
        k = 20
        steps = max(1, round(n / (k * k)) - 1)
        for i in range(k * k):
            dsk["g-0-%d" % i] = (noop, i)
        values = list(range(k * k))
        for t in range(steps):
            nxt = []
            for i in range(k * k):
                r, c = divmod(i, k)
                nb = [((r - 1) % k) * k + c, ((r + 1) % k) * k + c, r * k + (c - 1) % k, r * k + (c + 1) % k]
                dsk["g-%d-%d" % (t + 1, i)] = (stencil, "g-%d-%d" % (t, i)) + tuple(
                    "g-%d-%d" % (t, j) for j in nb
                )
                nxt.append((values[i] + sum(values[j] for j in nb)) % 1000)
            values = nxt
        dsk["sum"] = (sum_list, ["g-%d-%d" % (steps, i) for i in range(k * k)])
        return [(dsk, "sum")], [sum(values)]
    if shape == "many":
        graphs = []
        expected = []
        for g in range(max(1, round(n / 15))):
            d = {}
            graphs.append((d, tree_into(d, "m%d" % g, range(g * 8, g * 8 + 8))))
            expected.append(sum(range(g * 8, g * 8 + 8)))
        return graphs, expected
    raise SystemExit("unknown shape %r" % shape)


def getitem(x, i):
    return x[i]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--shapes", required=True)
    p.add_argument("--tasks", type=int, required=True)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--warmup", type=int, default=1)
    p.add_argument("--schedulers", default="sync,threads")
    a = p.parse_args()

    import dask
    import dask.local
    import dask.threaded
    from concurrent.futures import ThreadPoolExecutor

    pool = ThreadPoolExecutor(a.workers)
    runners = {
        "sync": lambda dsk, root: dask.local.get_sync(dsk, root),
        "threads": lambda dsk, root: dask.threaded.get(dsk, root, num_workers=a.workers, pool=pool),
    }
    out = {}
    for shape in a.shapes.split(","):
        graphs, expected = build(shape, a.tasks)
        row = {
            "tasks": sum(len(d) for d, _ in graphs),
            "edges": sum(edges_of(d) for d, _ in graphs),
        }
        for name in a.schedulers.split(","):
            run = runners[name]
            for _ in range(a.warmup):
                for d, r in graphs:
                    run(d, r)
            times = []
            for _ in range(a.reps):
                t0 = time.perf_counter()
                results = [run(d, r) for d, r in graphs]
                times.append((time.perf_counter() - t0) * 1000)
                if results != expected:
                    raise SystemExit("%s on %s: wrong result %r, expected %r" % (shape, name, results[:3], expected[:3]))
            row[name + "_ms"] = min(times)
        out[shape] = row
    print(json.dumps({"shapes": out, "dask": dask.__version__, "python": platform.python_version()}))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
