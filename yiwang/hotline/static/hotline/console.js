// Keyboard shortcuts of the agent's console: Alt+C check, Alt+S submit, Alt+E refer to an emergency
// line. The buttons also carry accesskey; browsers differ in the modifier, this makes it Alt everywhere.
document.addEventListener("keydown", function (event) {
  if (!event.altKey || event.ctrlKey || event.metaKey) return;
  var intent = { c: "check", s: "submit", e: "refer" }[event.key.toLowerCase()];
  var form = document.getElementById("intake");
  if (!intent || !form) return;
  var button = form.querySelector('button[name="intent"][value="' + intent + '"]');
  if (button) { event.preventDefault(); button.click(); }
});
