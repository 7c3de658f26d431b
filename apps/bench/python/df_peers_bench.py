"""dask.dataframe peer of the df-groupby-sum, df-join and df-csv2parquet suites (CSV input: Debian's
Dask has no pyarrow or fastparquet, so it cannot read or write Parquet here).

Usage:
  df_peers_bench.py groupby DATA.csv [options]           read_csv -> groupby(key).value.sum()
  df_peers_bench.py join LEFT.csv RIGHT.csv [options]    merge on key -> count and sum(value * weight)
  df_peers_bench.py csv IN.csv OUTDIR [options]          read_csv -> to_csv (one file per block)
Options: --blocksize BYTES --workers N --reps R
Prints one JSON line: best_ms, times_ms, result (groupby: [groups, total of the sums]; join: [rows,
sum]; csv: [rows written]), dask, python. Every repetition builds its query afresh, as a user would.
"""
import argparse
import glob
import json
import os
import platform
import shutil
import time

import dask
import dask.dataframe as dd


def groupby(a):
    sums = dd.read_csv(a.paths[0], blocksize=a.blocksize).groupby("key").value.sum().compute()
    return [int(len(sums)), float(sums.sum())]


def join(a):
    left = dd.read_csv(a.paths[0], blocksize=a.blocksize)
    right = dd.read_csv(a.paths[1], blocksize=a.blocksize)
    joined = left.merge(right, on="key")
    product = joined.value * joined.weight
    n, total = dask.compute(product.count(), product.sum())
    return [int(n), float(total)]


def csv(a):
    out = a.paths[1]
    shutil.rmtree(out, ignore_errors=True)
    dd.read_csv(a.paths[0], blocksize=a.blocksize).to_csv(os.path.join(out, "part.*.csv"), index=False)
    return None


def rows_written(out):
    """Data rows in the written files (counted after the timing)."""
    rows = 0
    for f in glob.glob(os.path.join(out, "part.*.csv")):
        with open(f, "rb") as fh:
            rows += sum(1 for _ in fh) - 1
    return [rows]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["groupby", "join", "csv"])
    p.add_argument("paths", nargs="+")
    p.add_argument("--blocksize", type=int, default=64 << 20)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--reps", type=int, default=3)
    a = p.parse_args()
    run = {"groupby": groupby, "join": join, "csv": csv}[a.mode]
    times = []
    result = None
    with dask.config.set(scheduler="threads", num_workers=a.workers):
        for _ in range(a.reps):
            t0 = time.perf_counter()
            result = run(a)
            times.append((time.perf_counter() - t0) * 1000)
    if a.mode == "csv":
        result = rows_written(a.paths[1])
        shutil.rmtree(a.paths[1], ignore_errors=True)
    print(json.dumps({"best_ms": min(times), "times_ms": times, "result": result,
                      "dask": dask.__version__, "python": platform.python_version()}))


if __name__ == "__main__":
    main()
