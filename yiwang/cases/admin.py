from yiwang.cases import admin_processes  # noqa: F401
