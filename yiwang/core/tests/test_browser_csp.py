"""The browser fixtures catch Content-Security-Policy violations (so every browser test checks
that its pages need no inline script or style)."""

import pytest

from conftest import _watched_page

pytestmark = pytest.mark.browser


def test_an_inline_script_and_an_inline_style_are_reported(browser):
    context = browser.new_context()
    page = _watched_page(context)
    page.route("http://csp.test/probe", lambda route: route.fulfill(
        body="<!doctype html><p style='color:red'>x</p><script>document.title='ran'</script>",
        headers={"Content-Type": "text/html", "Content-Security-Policy": "script-src 'self'; style-src 'self'"}))
    page.goto("http://csp.test/probe")
    page.wait_for_timeout(200)
    assert page.title() != "ran"
    assert any("script" in v for v in page.csp_violations) and any("style" in v for v in page.csp_violations)
    context.close()
