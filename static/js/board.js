// The big-screen leaderboard: fetch the board every few seconds and swap it in place,
// without reloading the page. Without JavaScript the page refreshes itself (<noscript>).
(function () {
  "use strict";

  function start() {
    var box = document.querySelector("[data-refresh-url]");
    if (!box) return;
    var url = box.getAttribute("data-refresh-url");
    var seconds = parseInt(box.getAttribute("data-refresh-seconds"), 10) || 5;
    var busy = false;
    var timer = null;

    function gone() {
      clearInterval(timer);
      var notice = document.createElement("p");
      notice.className = "screen-notice";
      notice.textContent = "This big-screen link no longer works. Ask the teacher for the new one.";
      box.replaceChildren(notice);
      var note = document.querySelector(".screen-note");
      if (note) note.remove(); // it said the board updates by itself
    }

    function refresh() {
      if (busy || document.hidden) return;
      busy = true;
      fetch(url, { cache: "no-store", credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
        .then(function (response) {
          if (response.status === 404) {
            gone();
            return null;
          }
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.text();
        })
        .then(function (html) {
          if (html !== null) box.innerHTML = html;
        })
        .catch(function () {
          // Keep showing the last board; the next tick tries again.
        })
        .finally(function () {
          busy = false;
        });
    }

    timer = setInterval(refresh, seconds * 1000);
  }

  if (document.readyState !== "loading") start();
  else document.addEventListener("DOMContentLoaded", start);
})();
