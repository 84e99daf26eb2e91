"""Fixtures shared by every app's tests: the real browser, the accessibility scan."""

import os

import pytest

# Playwright's sync API runs an event loop in this thread; Django then refuses ORM calls from it
# unless told that this thread is not actually serving async code (it is not).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]


@pytest.fixture(autouse=True)
def _fresh_process_caches():
    """Per-process caches of immutable rows key on ids, and test databases reuse ids after a
    rollback; every test starts with them empty. So does Django's cache (failure counters)."""
    from django.core.cache import cache

    from yiwang.bundles.applications import clear_filing_cache
    from yiwang.cases.services.intake import clear_process_caches
    from yiwang.guidance.selectors import clear_cache as clear_guidance_index
    from yiwang.hotline.catalogue_cache import clear as clear_hotline_catalogue

    clear_process_caches()
    clear_filing_cache()
    clear_hotline_catalogue()
    clear_guidance_index()
    cache.clear()
    yield


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian chromium is missing: run scripts/system-deps.sh browser (apt-get install chromium)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _watched_page(context):
    """A page that records every Content-Security-Policy violation the browser reports: the pages
    are written for a policy without 'unsafe-inline', and a violation means a behaviour or a style
    silently does not happen for real users."""
    page = context.new_page()
    page.csp_violations = []
    page.on("console", lambda message: page.csp_violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    return page


def _fail_on_csp_violations(page):
    if page.csp_violations:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(dict.fromkeys(page.csp_violations)))


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = _watched_page(context)
    yield page
    context.close()
    _fail_on_csp_violations(page)


@pytest.fixture
def phone_page(browser, live_server):
    """A phone-sized page (the grandmother's phone)."""
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 390, "height": 844},
                                  is_mobile=True, has_touch=True)
    context.set_default_timeout(15_000)
    page = _watched_page(context)
    yield page
    context.close()
    _fail_on_csp_violations(page)


@pytest.fixture
def assert_accessible():
    """Run axe-core on the page; fail on serious or critical violations, listing them."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page, *, context: str = ""):
        results = axe.run(page)
        bad = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
        if bad:
            lines = [f"{v['id']} ({v['impact']}): {v['help']} -> " +
                     "; ".join(n["target"][0] if isinstance(n["target"][0], str) else str(n["target"])
                               for n in v["nodes"][:5]) for v in bad]
            pytest.fail(f"accessibility violations on {context or page.url}:\n" + "\n".join(lines))
        return results

    return check


def no_horizontal_scroll(page) -> bool:
    """Nothing wider than the screen. Compared with the device width: a mobile browser widens its
    layout viewport (innerWidth) to fit overflowing content, so innerWidth would hide the very
    overflow looked for."""
    return page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def login(page, username: str, password: str):
    """Log in through the real login page."""
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]:has-text('登录')")
    page.wait_for_load_state()


def _restore_reference_data():
    """Reference rows that data migrations put in every database (the working-day calendar of
    2004–2026, the standard BPMN processes). A transactional test ends by emptying every table, so
    they are put back right after it, outside any test transaction, leaving the database as the
    migrations leave it (reference rows, no audit events). The guided search's starting synonyms
    are such rows too."""
    from yiwang.cases.back_office import ensure_standard_processes
    from yiwang.core.models import AuditBlock, AuditEvent, AuditStream
    from yiwang.guidance.services import seed_synonyms
    from yiwang.workdays.services import calendar_seed_from_package
    from yiwang.workdays.time_limits import invalidate_calendar_index

    calendar_seed_from_package(actor=None)
    ensure_standard_processes()
    seed_synonyms()
    invalidate_calendar_index()
    # Migrations put the reference rows in without audit events; so does this restore, or the next
    # test would start with events it did not write (and count them).
    for model in (AuditEvent, AuditBlock, AuditStream):
        model.objects.all()._raw_delete(model.objects.db)


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    names = getattr(item, "fixturenames", ())
    return bool((marker and marker.kwargs.get("transaction")) or "transactional_db" in names or "live_server" in names)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    yield  # every fixture of the test is torn down now, the transactional flush included
    # After the last test the session fixtures are gone too (the test database is destroyed).
    if nextitem is not None and _is_transactional(item):
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            _restore_reference_data()
            # The restore ran outside any test; close what it opened, or the connection can be
            # left behind and keep PostgreSQL from dropping the test database at the end.
            from django.db import connections

            connections.close_all()
