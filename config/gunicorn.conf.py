"""gunicorn settings for the web process: `gunicorn -c config/gunicorn.conf.py config.wsgi:application`.

The benchmark (`benchmarks/intake.py`) starts the server with this file, so what it measures is
what production runs. Every setting can be overridden on the command line or through
`GUNICORN_CMD_ARGS`; the worker count also through `WEB_CONCURRENCY`.
"""

import gc
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: a submission is CPU-bound Python plus a few short queries, so more processes than
# cores only adds time-slicing. Two per core keeps a core busy while the other worker waits on
# PostgreSQL.
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * multiprocessing.cpu_count())
worker_class = "sync"
backlog = 2048
timeout = 30
# Load Django once in the master: workers start fast and share the loaded code copy-on-write.
preload_app = True

# The garbage collector. Django, the catalog caches and the URL/schema tables are a few hundred
# thousand long-lived objects; every full collection walks all of them, which shows up as the
# slowest requests (the p99). Freezing them moves them out of the collector's sight, and a higher
# young-generation threshold lets a request's short-lived objects die by reference counting before
# a collection starts. Cycles are still collected, only less often.
GC_THRESHOLDS = (50_000, 20, 100)


def when_ready(server):
    # In the master, after the application is loaded and before any worker forks: the frozen
    # objects are then never touched by a worker's collector, so their pages stay shared.
    gc.collect()
    gc.freeze()


def post_worker_init(worker):
    gc.set_threshold(*GC_THRESHOLDS)
