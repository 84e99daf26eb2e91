// Move focus to the error summary when a page comes back with errors, so screen-reader users
// hear what went wrong first. A file of its own (no inline script: the coming CSP forbids it).
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();
});
