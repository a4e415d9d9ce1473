#!/usr/bin/env python3
"""Dask side of `npm run bench` (distributed section): prints one JSON object on stdout.

The same three figures as bench/distributed.ts measures for Tabgrid, on a LocalCluster of
2 worker processes with 1 thread each, on 127.0.0.1:
  1. sequential no-op round trip: client.submit(noop).result(), after a warm-up;
  2. throughput of 20,000 no-op tasks: client.map + client.gather, tasks/s;
  3. efficiency of 2,000 tasks of ~5 ms CPU (a pure-Python busy loop whose size is calibrated
     once in a warm worker): (sum of single-task times / 2 workers) / wall time; one warm-up job,
     then --efficiency-runs measured ones, and the median run is the figure.
Logs go to stderr; only the result goes to stdout.

usage: dask_bench.py [--samples 500] [--warmup 50] [--noop-tasks 20000] [--cpu-tasks 2000] [--target-ms 5] [--efficiency-runs 3]
"""
import argparse
import json
import logging
import statistics
import sys
import time


def noop(x):
    return None


def busy(n):
    # Integer arithmetic in a plain loop: CPU-bound, no allocation worth mentioning, no numpy.
    acc = 0
    for i in range(n):
        acc = (acc + i * i) % 1000003
    return acc


def timed_busy(n, _nonce):
    started = time.perf_counter()
    busy(n)
    return (time.perf_counter() - started) * 1000.0


def percentile(sorted_samples, p):
    return sorted_samples[min(len(sorted_samples) - 1, int(p / 100.0 * len(sorted_samples)))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--samples', type=int, default=500)
    parser.add_argument('--warmup', type=int, default=50)
    parser.add_argument('--noop-tasks', type=int, default=20000)
    parser.add_argument('--cpu-tasks', type=int, default=2000)
    parser.add_argument('--target-ms', type=float, default=5.0)
    parser.add_argument('--efficiency-runs', type=int, default=3)
    opts = parser.parse_args()

    import dask
    import distributed
    from distributed import Client, LocalCluster

    out = {'versions': {'dask': dask.__version__, 'distributed': distributed.__version__, 'python': sys.version.split()[0]}}
    t0 = time.perf_counter()
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host='127.0.0.1',
                           dashboard_address=None, silence_logs=logging.ERROR)
    client = Client(cluster)
    client.wait_for_workers(2)
    out['startupS'] = round(time.perf_counter() - t0, 2)
    try:
        # 1. Sequential no-op round trips (pure=False: a fresh key each time, nothing cached).
        samples = []
        for i in range(opts.warmup + opts.samples):
            started = time.perf_counter()
            client.submit(noop, i, pure=False).result()
            if i >= opts.warmup:
                samples.append((time.perf_counter() - started) * 1000.0)
        samples.sort()
        out['latency'] = {'n': len(samples), 'p50': percentile(samples, 50), 'p95': percentile(samples, 95),
                          'p99': percentile(samples, 99), 'mean': statistics.fmean(samples)}

        # 2. Throughput: map + gather of 20,000 no-ops, from the first submit to the last result.
        started = time.perf_counter()
        futures = client.map(noop, range(opts.noop_tasks), pure=False)
        client.gather(futures)
        wall = time.perf_counter() - started
        del futures
        out['throughput'] = {'tasks': opts.noop_tasks, 'wallS': wall, 'tasksPerS': opts.noop_tasks / wall}

        # 3. Calibrate the busy loop once, in a warm worker, one task at a time: n with ~target ms.
        def single(n, reps):
            times = [client.submit(timed_busy, n, k, pure=False).result() for k in range(reps)]
            return statistics.median(times)

        n = 20000
        single(n, 5)  # warm
        for _ in range(6):
            ms = single(n, 7)
            n = max(1, int(n * opts.target_ms / ms))
        # A first job of the same tasks warms the whole path; then the measured runs, each after its
        # own single-task time, and the median run is the figure (the Tabgrid side does the same).
        # Every job has keys of its own, so nothing is cached.
        def job(first_key):
            started = time.perf_counter()
            futures = client.map(timed_busy, [n] * opts.cpu_tasks, range(first_key, first_key + opts.cpu_tasks))
            in_job = client.gather(futures)
            return time.perf_counter() - started, in_job

        job(0)
        runs = []
        for r in range(opts.efficiency_runs):
            single_ms = single(n, 31)
            wall, in_job = job((r + 1) * opts.cpu_tasks)
            ideal = opts.cpu_tasks * single_ms / 1000.0 / 2
            runs.append({'tasks': opts.cpu_tasks, 'loopN': n, 'singleMs': single_ms,
                         'inJobMs': statistics.median(in_job), 'idealS': ideal,
                         'wallS': wall, 'efficiency': ideal / wall})
        median_run = sorted(runs, key=lambda run: run['efficiency'])[len(runs) // 2]
        out['efficiency'] = {**median_run, 'runs': [run['efficiency'] for run in runs]}
    finally:
        client.close()
        cluster.close()
    print(json.dumps(out))


if __name__ == '__main__':
    main()
