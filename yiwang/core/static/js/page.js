// Small behaviours of every page, in a file of their own so the Content-Security-Policy needs no
// 'unsafe-inline'. Without script every page still works; these only help.
(function () {
  // An error summary takes the focus when the page shows one, so a screen reader reads it first
  // and a keyboard user lands on it (GOV.UK's pattern).
  function focusErrorSummary() {
    var summary = document.querySelector("[data-focus-on-load]");
    if (summary) summary.focus();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", focusErrorSummary);
  else focusErrorSummary();

  // A form marked data-submit-once: a second press while the first is on its way changes nothing
  // on the server (idempotency keys guarantee one filing); disabling just tells the person it is
  // working. The button named in data-submit-once-value (or any) is disabled after sending.
  document.addEventListener("submit", function (event) {
    var form = event.target, button = event.submitter;
    if (!form.hasAttribute || !form.hasAttribute("data-submit-once") || event.defaultPrevented || !button) return;
    var only = form.getAttribute("data-submit-once");
    if (only && button.value !== only) return;
    var busy = form.getAttribute("data-busy-text") || "正在提交…";
    window.setTimeout(function () { button.disabled = true; button.textContent = busy; }, 0);
  });
})();
