// Teacher pages: small progressive enhancements. Every page works without this file.
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  // A destructive action confirmed in the browser's dialog (app.js asks) needs no
  // confirmation page: say so to the server. Listening on the document runs after the
  // form's own listeners, so a cancelled dialog has already stopped the submission.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !form.matches("form[data-confirm]")) return;
    if (form.querySelector("input[name=confirmed]")) return;
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = "confirmed";
    input.value = "yes";
    form.appendChild(input);
  });

  // Copy buttons: data-copy names the element whose text is copied, data-copy-status
  // the live region that says it was.
  function copyButtons() {
    document.querySelectorAll("button[data-copy]").forEach(function (button) {
      button.addEventListener("click", function () {
        var source = document.querySelector(button.getAttribute("data-copy"));
        var status = document.querySelector(button.getAttribute("data-copy-status"));
        if (!source) return;
        var text = source.textContent.trim();
        function say(message) { if (status) status.textContent = message; }
        function selectIt() {
          var range = document.createRange();
          range.selectNodeContents(source);
          var selection = window.getSelection();
          selection.removeAllRanges();
          selection.addRange(range);
          say("Selected: press Ctrl+C (or ⌘C) to copy " + text + ".");
        }
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(text).then(function () { say("Copied " + text + "."); }, selectIt);
        } else {
          selectIt();
        }
      });
    });
  }

  ready(copyButtons);
})();
