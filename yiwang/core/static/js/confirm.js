// A button that cannot be undone (不予受理, a decision) carries data-confirm: ask once before
// sending. Without script the form is sent as before; the service still checks everything.
// A file of its own rather than inline, so a Content-Security-Policy without 'unsafe-inline' fits.
document.addEventListener("submit", function (event) {
  var button = event.submitter, question = button && button.dataset ? button.dataset.confirm : "";
  if (question && !window.confirm(question)) event.preventDefault();
});
