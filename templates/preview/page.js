(function () {
  "use strict";
  var toggle = document.getElementById("safe-toggle");
  var key = "vidcamp-preview-safe";
  function apply() {
    document.body.classList.toggle("show-safe", toggle.checked);
    try { localStorage.setItem(key, toggle.checked ? "1" : "0"); } catch (e) { /* file:// may refuse */ }
  }
  try { toggle.checked = localStorage.getItem(key) === "1"; } catch (e) { /* ignore */ }
  toggle.addEventListener("change", apply);
  apply();
})();
