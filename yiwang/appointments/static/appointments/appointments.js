// Appointments pages: no inline script (Content-Security-Policy). Four small behaviours:
// 1. an error summary takes focus when the page shows it;
// 2. the calling page answers single keys (N R S B F) with its buttons (data-key), unless typing;
// 3. data-print buttons print the page (kiosk ticket slip);
// 4. a kiosk page with an identified person ends the session after it is left idle.
(function () {
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector("[data-focus-on-load]");
    if (summary) summary.focus();

    if (document.querySelector("[data-shortcuts]")) {
      document.addEventListener("keydown", function (event) {
        if (event.ctrlKey || event.metaKey || event.altKey) return;
        var t = event.target, tag = t && t.tagName;
        if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (t && t.isContentEditable)) return;
        var button = document.querySelector('button[data-key="' + event.key.toUpperCase() + '"]');
        if (button) { event.preventDefault(); button.click(); }
      });
    }

    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });

    var kiosk = document.querySelector("[data-idle-form]");
    if (kiosk) {
      var form = document.getElementById(kiosk.dataset.idleForm);
      var seconds = parseInt(kiosk.dataset.idleSeconds || "90", 10), timer = null;
      var reset = function () { clearTimeout(timer); timer = setTimeout(function () { if (form) form.submit(); }, seconds * 1000); };
      ["click", "keydown", "touchstart", "pointermove"].forEach(function (name) { document.addEventListener(name, reset, {passive: true}); });
      reset();
    }
  });
})();
