"""The guide's public files are served (the demo's 下载结果样本 links); nothing else in media is."""

from pathlib import Path

import pytest
from django.conf import settings


@pytest.fixture
def media_files():
    root = Path(settings.MEDIA_ROOT)
    public = root / "catalog" / "result_samples" / "sample-test.pdf"
    private = root / "materials" / "2026" / "12" / "id-card.pdf"
    for path in (public, private):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"%PDF-1.4 test")
    yield public, private
    public.unlink()
    private.unlink()


def test_a_result_sample_downloads_with_a_sandbox(client, media_files):
    response = client.get("/media/catalog/result_samples/sample-test.pdf")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 test"
    assert response["Content-Disposition"] == 'attachment; filename="sample-test.pdf"'
    assert response["Content-Security-Policy"].startswith("sandbox")


@pytest.mark.parametrize("path", ["/media/materials/2026/12/id-card.pdf", "/media/catalog/result_samples/missing.pdf"])
def test_uploads_and_missing_files_are_not_served(client, media_files, path):
    response = client.get(path)
    assert response.status_code == 404 and "页面不存在" in response.content.decode()


def test_a_path_climbing_out_of_the_catalog_is_refused(client, media_files):
    response = client.get("/media/catalog/../materials/2026/12/id-card.pdf")
    assert response.status_code == 400 and b"%PDF" not in response.content


def test_demo_settings_need_no_broker_and_show_no_debug_pages():
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith(("CELERY_", "DJANGO_"))}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.demo"
    code = ("import django; django.setup(); from django.conf import settings as s; from config.celery import app; "
            "print(s.DEBUG, app.conf.broker_url, app.conf.task_always_eager)")
    out = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parents[3], env=env,
                         capture_output=True, text=True, timeout=60)
    assert out.stdout.split() == ["False", "memory://", "True"], out.stderr


@pytest.mark.django_db
def test_every_page_sends_a_content_security_policy_without_inline_script(client):
    policy = client.get("/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy


def test_a_downloaded_file_keeps_its_sandbox_policy(client, media_files):
    response = client.get("/media/catalog/result_samples/sample-test.pdf")
    assert response["Content-Security-Policy"].startswith("sandbox")


@pytest.mark.django_db
def test_pages_of_a_signed_in_person_are_not_stored_and_public_pages_may_be(client):
    from yiwang.accounts.tests.factories import UserFactory

    assert "no-store" not in client.get("/").get("Cache-Control", "")
    citizen = UserFactory()
    client.force_login(citizen)
    for path in ("/", "/accounts/profile/", "/cases/mine/"):
        response = client.get(path)
        assert response.status_code == 200 and "no-store" in response["Cache-Control"], path
