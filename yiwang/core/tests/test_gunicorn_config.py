"""The web server's settings (config/gunicorn.conf.py), as gunicorn itself reads them.

`preload_app` loads Django in the master and forks the workers from it, which is only safe while
loading the application opens no database or broker connection (the workers would share the
socket). The subprocess test guards that.
"""

import gc
import os
import subprocess
import sys
from pathlib import Path

from gunicorn.config import Config

ROOT = Path(__file__).resolve().parents[3]
CONF = ROOT / "config" / "gunicorn.conf.py"


def _load(env: dict | None = None) -> Config:
    saved = dict(os.environ)
    try:
        os.environ.update(env or {})
        cfg = Config()
        namespace = {"__file__": str(CONF), "__name__": "__config__"}
        exec(compile(CONF.read_text(encoding="utf-8"), str(CONF), "exec"), namespace)  # noqa: S102 (our own file)
        for key, value in namespace.items():
            if key in cfg.settings:
                cfg.set(key, value)
        return cfg
    finally:
        os.environ.clear()
        os.environ.update(saved)


def test_settings_are_valid_for_gunicorn_and_honour_web_concurrency():
    cfg = _load({"WEB_CONCURRENCY": "3"})
    assert cfg.workers == 3
    assert cfg.preload_app is True
    assert cfg.worker_class_str == "sync"
    unset = _load({"WEB_CONCURRENCY": "", "GUNICORN_BIND": "0.0.0.0:9000"})
    assert unset.workers == 2 * os.cpu_count()
    assert unset.bind == ["0.0.0.0:9000"]


def test_master_freezes_the_loaded_objects_and_workers_collect_less_often():
    cfg = _load()
    before = gc.get_threshold()
    try:
        gc.unfreeze()
        cfg.when_ready(None)
        assert gc.get_freeze_count() > 0
        cfg.post_worker_init(None)
        assert gc.get_threshold()[0] > 700
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)


def test_loading_the_application_opens_no_connection():
    script = (
        "import config.wsgi\n"
        "from django.db import connections\n"
        "opened = [c.alias for c in connections.all() if c.connection is not None]\n"
        "assert not opened, opened\n"
        "print('ok')\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "ok"
