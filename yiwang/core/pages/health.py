"""Probes for operations and benchmarks (JSON, no session)."""

from django.db import connection
from django.http import JsonResponse


def ping(request):
    """The trivial JSON endpoint: no database, no session. Benchmarks compare real endpoints to it."""
    return JsonResponse({"ok": True})


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
