"""The demo's journey over HTTP, as a new user meets it, through the pages (no API shortcuts).

An enterprise logs in, applies for 食品经营许可 with an uploaded PDF and window pickup; the city
centre's window clerk accepts; the reviewer and the approver of 市市场监管局 decide; the clerk
hands the result over with the pickup code the enterprise received in its inbox. On the way it
opens the public pages a visitor sees. Any 5xx, a Django debug page or a missing step fails the
run with the page it happened on; the end state is checked on the enterprise's own case page.

Standard library only, so it runs in the virtualenv built from requirements.txt alone:
    python scripts/smoke_journey.py http://127.0.0.1:8000
"""

from __future__ import annotations

import http.cookiejar
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid
from html.parser import HTMLParser

PASSWORD = "Demo-2026-xian"  # noqa: S105 (the public demo password, README)
# A one-page PDF with its cross-reference table: uploads are parsed (active content is refused), so
# the bytes must be a PDF a reader accepts.
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
       b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]>>endobj\nxref\n0 4\n0000000000 65535 f \n"
       b"0000000009 00000 n \n0000000052 00000 n \n0000000101 00000 n \n"
       b"trailer<</Size 4/Root 1 0 R>>\nstartxref\n162\n%%EOF\n")
ITEM_NAME = "食品经营许可"


class SmokeFailure(Exception):
    pass


class Form:
    def __init__(self, action: str, method: str, enctype: str):
        self.action, self.method, self.enctype = action, method.upper(), enctype
        self.fields: list[list] = []  # [name, value, kind] in document order; kind: text|hidden|checkbox|radio|select|textarea|file
        self.options: dict[str, list[str]] = {}
        self.checkable: list[tuple[str, str, str, bool]] = []  # (name, value, kind, checked by default)
        self.buttons: list[tuple[str, str, str]] = []  # (text, name, value)
        self.inputmodes: dict[str, str] = {}

    def value(self, name: str) -> str | None:
        return next((f[1] for f in self.fields if f[0] == name), None)

    def names(self) -> set[str]:
        return {f[0] for f in self.fields} | {c[0] for c in self.checkable}


class PageParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.links: list[tuple[str, str]] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._textarea: str | None = None
        self._button: dict | None = None
        self._link: dict | None = None
        self._option: list | None = None
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = Form(a.get("action") or "", a.get("method") or "get", a.get("enctype") or "")
            self.forms.append(self._form)
        elif tag == "a" and a.get("href"):
            self._link = {"href": a["href"], "text": ""}
        elif self._form is not None and tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                self._form.checkable.append((a["name"], a.get("value", "on"), kind, "checked" in a))
            elif kind in ("submit", "button", "image"):
                self._form.buttons.append((a.get("value", ""), a["name"], a.get("value", "")))
            else:
                self._form.fields.append([a["name"], a.get("value", ""), kind])
                self._form.inputmodes[a["name"]] = a.get("inputmode", "")
        elif self._form is not None and tag == "select" and a.get("name"):
            self._select = a["name"]
            self._form.options[self._select] = []
            self._form.fields.append([self._select, None, "select"])
        elif self._form is not None and tag == "option" and self._select:
            self._option = [a.get("value"), "selected" in a, ""]
        elif self._form is not None and tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self._form.fields.append([self._textarea, "", "textarea"])
        elif self._form is not None and tag == "button":
            self._button = {"name": a.get("name", ""), "value": a.get("value", ""), "text": "",
                            "type": a.get("type", "submit")}

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "option" and self._option is not None and self._select:
            value, selected, text = self._option
            value = text.strip() if value is None else value
            self._form.options[self._select].append(value)
            field = next(f for f in self._form.fields if f[0] == self._select)
            if selected or field[1] is None:
                field[1] = value
            self._option = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "button" and self._button is not None:
            if self._button["type"] == "submit" and self._form is not None:
                self._form.buttons.append((self._button["text"].strip(), self._button["name"], self._button["value"]))
            self._button = None
        elif tag == "a" and self._link is not None:
            self.links.append((self._link["text"].strip(), self._link["href"]))
            self._link = None

    def handle_data(self, data):
        self.text.append(data)
        if self._option is not None:
            self._option[2] += data
        if self._textarea and self._form is not None:
            field = next(f for f in self._form.fields if f[0] == self._textarea)
            field[1] += data
        if self._button is not None:
            self._button["text"] += data
        if self._link is not None:
            self._link["text"] += data


class Page:
    def __init__(self, url: str, status: int, body: bytes, content_type: str):
        self.url, self.status, self.body, self.content_type = url, status, body, content_type
        self.html = body.decode("utf-8", "replace") if "html" in content_type else ""
        parser = PageParser()
        if self.html:
            parser.feed(self.html)
        self.forms, self.links = parser.forms, parser.links
        self.text = re.sub(r"\s+", " ", " ".join(parser.text))

    def form_with_button(self, text: str) -> tuple[Form, tuple[str, str, str]]:
        for form in self.forms:
            for button in form.buttons:
                if text in button[0]:
                    return form, button
        raise SmokeFailure(f"{self.url}: no button 「{text}」; buttons: "
                           + ", ".join(b[0] for f in self.forms for b in f.buttons))

    def link(self, pattern: str) -> str:
        for text, href in self.links:
            if re.search(pattern, text):
                return href
        raise SmokeFailure(f"{self.url}: no link matching {pattern!r}")


class Browser:
    def __init__(self, base: str, who: str):
        self.base, self.who = base.rstrip("/"), who
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.visited = 0

    def _open(self, request) -> Page:
        self.visited += 1
        try:
            with self.opener.open(request, timeout=60) as response:
                page = Page(response.geturl(), response.status, response.read(), response.headers.get("Content-Type", ""))
        except urllib.error.HTTPError as exc:
            page = Page(exc.geturl(), exc.code, exc.read(), exc.headers.get("Content-Type", ""))
        if page.status >= 500:
            raise SmokeFailure(f"[{self.who}] {page.status} on {page.url}:\n{page.text[:2000]}")
        if "Traceback" in page.html or "You're seeing this error because you have" in page.html:
            raise SmokeFailure(f"[{self.who}] a Django debug page on {page.url}")
        return page

    def get(self, path: str, *, expect: int = 200) -> Page:
        page = self._open(urllib.request.Request(urllib.parse.urljoin(self.base + "/", path)))  # noqa: S310 (our http base)
        if page.status != expect:
            raise SmokeFailure(f"[{self.who}] GET {path}: {page.status}, expected {expect}")
        return page

    def submit(self, page: Page, button_text: str, *, fill: dict | None = None, check: dict | None = None,
               files: dict | None = None, expect_in: str | None = None) -> Page:
        """Press the button: the form's own values, with `fill` replacing values, `check` choosing
        checkboxes/radios ({name: value or [values]}), `files` ({name: (filename, bytes)})."""
        form, (_, button_name, button_value) = page.form_with_button(button_text)
        fill, check, files = fill or {}, check or {}, files or {}
        unknown = (set(fill) | set(check) | set(files)) - form.names()
        if unknown:
            raise SmokeFailure(f"[{self.who}] {page.url}: the form has no field(s) {sorted(unknown)}")
        pairs = [(name, fill.get(name, value if value is not None else "")) for name, value, kind in form.fields
                 if kind != "file"]
        for name, value, _kind, default in form.checkable:
            chosen = check.get(name)
            if chosen is None:
                if default:
                    pairs.append((name, value))
            elif value in ([chosen] if isinstance(chosen, str) else chosen):
                pairs.append((name, value))
        if button_name:
            pairs.append((button_name, button_value))
        url = urllib.parse.urljoin(page.url, form.action or page.url)
        if form.enctype == "multipart/form-data":
            boundary = uuid.uuid4().hex
            chunks = []
            for name, value in pairs:
                chunks.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
            for name, (filename, content) in files.items():
                chunks.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                              f"Content-Type: application/pdf\r\n\r\n".encode() + content + b"\r\n")
            data = b"".join(chunks) + f"--{boundary}--\r\n".encode()
            content_type = f"multipart/form-data; boundary={boundary}"
        else:
            data = urllib.parse.urlencode(pairs).encode()
            content_type = "application/x-www-form-urlencoded"
        result = self._open(urllib.request.Request(url, data=data, method="POST",  # noqa: S310 (our http base)
                                                   headers={"Content-Type": content_type, "Referer": page.url}))
        if result.status >= 400:
            raise SmokeFailure(f"[{self.who}] 「{button_text}」 on {page.url}: {result.status}\n{result.text[:1500]}")
        if expect_in and expect_in not in result.text:
            errors = re.findall(r"请[^。]{0,60}。", result.text)
            raise SmokeFailure(f"[{self.who}] 「{button_text}」 on {page.url}: expected 「{expect_in}」 on {result.url}; "
                               f"messages: {errors[:8]}")
        return result

    def login(self, username: str) -> None:
        page = self.get("/accounts/login/")
        self.submit(page, "登录", fill={"username": username, "password": PASSWORD}, expect_in="退出")


def step(text: str) -> None:
    print(f"  · {text}", flush=True)


def public_pages(base: str) -> None:
    visitor = Browser(base, "visitor")
    for path in ("/", "/search/?q=%E9%A3%9F%E5%93%81", "/browse/person/", "/agencies/", "/cases/progress/",
                 "/api/v1/openapi.json"):
        visitor.get(path)
    visitor.get("/no-such-page/", expect=404)
    guide = visitor.get(visitor.get("/search/?q=" + urllib.parse.quote(ITEM_NAME)).link(ITEM_NAME))
    for text, href in guide.links:
        if "样本" in text:
            visitor.get(href)
    step(f"visitor: {visitor.visited} public pages, the guide of {ITEM_NAME} and its result sample")


def apply_online(base: str) -> tuple[Browser, str]:
    applicant = Browser(base, "enterprise")
    applicant.login("enterprise")
    guide = applicant.get(applicant.get("/search/?q=" + urllib.parse.quote(ITEM_NAME)).link(ITEM_NAME))
    page = applicant.get(guide.link("在线申请"))
    form, _ = page.form_with_button("下一步")
    fill = {}
    for name, value, kind in form.fields:
        if (value or "").strip() or name.startswith(("csrf", "delivery")):
            continue
        mode = form.inputmodes.get(name, "")
        if kind == "number" or mode in ("decimal", "numeric"):
            fill[name] = "120"
        elif kind == "date":
            fill[name] = "2026-12-01"
        elif kind == "tel" or mode == "tel":
            fill[name] = "13909110002"
        elif kind in ("text", "textarea", "email"):
            fill[name] = "李建国" if name.endswith("name") else "西安市雁塔区小寨东路 1 号"
    check = {}  # a choice nobody made yet: the first option, as a hurried applicant would
    for name, value, _kind, _default in form.checkable:
        if not any(c[0] == name and c[3] for c in form.checkable) and name not in check and not name.startswith("delivery"):
            check[name] = value
    page = applicant.submit(page, "下一步", fill=fill, check=check, expect_in="第 2 步")
    step("enterprise: form filled (prefilled from the profile)")
    form, _ = page.form_with_button("下一步")
    uploads = {name: ("申请材料.pdf", PDF) for name, _v, _k in [f for f in form.fields if f[2] == "file"]}
    if not uploads:
        raise SmokeFailure("the materials step offers no upload")
    page = applicant.submit(page, "下一步", files=uploads, expect_in="第 3 步")
    step(f"enterprise: {len(uploads)} material(s) uploaded")
    form, _ = page.form_with_button("下一步")
    method_field = next((c[0] for c in form.checkable if c[1] == "window"), None)
    page = applicant.submit(page, "下一步", check={method_field: "window"} if method_field else None, expect_in="第 4 步")
    page = applicant.submit(page, "提交申请", expect_in="申请已提交")
    match = re.search(r"\b(\d{10,30})\b", page.text[page.text.find("办件编号"):])
    if not match:
        raise SmokeFailure("the confirmation page shows no case number")
    step(f"enterprise: submitted, case {match.group(1)}")
    return applicant, match.group(1)


CASE_HREF = re.compile(r'href="(/cases/(?:mine|window/cases|work/cases)/\d+/)"')


def staff_case_link(page: Page, number: str) -> str:
    """The link to the case on a list page: in the row (or card) that shows its number."""
    html = page.html
    at = html.find(number)
    while at != -1:
        begin = max(html.rfind(tag, 0, at) for tag in ("<tr", "<li", "<article"))
        stop = min([i for i in (html.find(tag, at) for tag in ("</tr", "</li", "</article")) if i != -1] or [len(html)])
        match = CASE_HREF.search(html, max(begin, 0), stop)
        if match:
            return match.group(1)
        at = html.find(number, at + 1)
    raise SmokeFailure(f"{page.url}: case {number} not listed")


def window_accepts(base: str, number: str) -> Browser:
    clerk = Browser(base, "clerk")
    clerk.login("clerk")
    page = clerk.get("/cases/window/")
    page = clerk.get(staff_case_link(page, number))
    clerk.submit(page, "受理（一般受理）", expect_in="受理")
    step("clerk: accepted at the general window")
    return clerk


def _listed(page: Page, number: str) -> bool:
    return any(number in text for text, _ in page.links) or number in page.text


def department_decides(base: str, number: str) -> None:
    reviewer = Browser(base, "reviewer")
    reviewer.login("reviewer")
    steps = 0
    work = reviewer.get("/cases/work/")
    while _listed(work, number):  # 审查, then 现场核查 where the process has one
        steps += 1
        if steps > 5:
            raise SmokeFailure("the reviewer's tasks for the case do not end")
        if any("签收" in b[0] for f in work.forms for b in f.buttons):
            work = reviewer.submit(work, "签收", expect_in="已签收")
        page = reviewer.get(staff_case_link(work, number))
        form, _ = page.form_with_button("办理完成")
        comment = next(f[0] for f in form.fields if f[2] == "textarea")
        reviewer.submit(page, "办理完成", fill={comment: "材料齐全，符合条件"}, expect_in="已转下一步")
        work = reviewer.get("/cases/work/")
    step(f"reviewer: {steps} back-office task(s) done")

    approver = Browser(base, "approver")
    approver.login("approver")
    work = approver.get("/cases/work/")
    page = approver.get(staff_case_link(work, number))
    form, _ = page.form_with_button("作出决定")
    outcome = next(c[0] for c in form.checkable if c[1] == "approve")
    texts = [f[0] for f in form.fields if f[2] in ("textarea", "text") and not (f[1] or "").strip()]
    fill = dict.fromkeys(texts, "符合法定条件和标准")
    for name in texts:
        if "basis" in name:
            fill[name] = "《中华人民共和国行政许可法》第三十八条"
    approver.submit(page, "作出决定", fill=fill, check={outcome: "approve"}, expect_in="已作出决定")
    step("approver: decided 准予")


def pickup(base: str, applicant: Browser, clerk: Browser, number: str) -> None:
    inbox = applicant.get("/messages/")
    match = re.search(r"取件码[^0-9]{0,10}(\d{6})", inbox.text)
    if not match:
        raise SmokeFailure("no pickup code in the enterprise's inbox")
    step("enterprise: pickup code received")
    page = clerk.get(staff_case_link(clerk.get("/cases/window/"), number))
    form, _ = page.form_with_button("确认交付")
    code_field = next(f[0] for f in form.fields if "code" in f[0])
    clerk.submit(page, "确认交付", fill={code_field: match.group(1)}, expect_in="已送达")
    step("clerk: result handed over with the pickup code")
    mine = applicant.get("/cases/mine/")
    case_page = applicant.get(staff_case_link(mine, number))
    if "已送达" not in case_page.text:
        raise SmokeFailure(f"the enterprise's case page does not say 已送达: {case_page.text[:500]}")
    step("enterprise: the case page says 已送达")


def main(base: str) -> int:
    print(f"demo journey against {base}")
    try:
        public_pages(base)
        applicant, number = apply_online(base)
        clerk = window_accepts(base, number)
        department_decides(base, number)
        pickup(base, applicant, clerk, number)
    except SmokeFailure as failure:
        print(f"SMOKE FAILED: {failure}", file=sys.stderr)
        return 1
    print("demo journey passed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"))
