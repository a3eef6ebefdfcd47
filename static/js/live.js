// A live game's pages: count the open question's seconds down, and ask the server every
// few seconds whether the game has moved on; when it has, load the page again. Without
// JavaScript the pages refresh themselves (<noscript>), except while an answer is written.
(function () {
  "use strict";

  function start() {
    var box = document.querySelector("[data-live-url]");
    if (!box) return;
    var url = box.getAttribute("data-live-url");
    var key = box.getAttribute("data-live-key");
    var players = box.getAttribute("data-live-players"); // set where new players show up
    var seconds = parseInt(box.getAttribute("data-live-seconds"), 10) || 2;
    var busy = false;
    var askedAtZero = false;

    var clocks = Array.prototype.slice.call(document.querySelectorAll("[data-live-remaining]"));
    var end = clocks.length ? Date.now() + parseInt(clocks[0].getAttribute("data-live-remaining"), 10) * 1000 : null;

    function tick() {
      if (end === null) return;
      var left = Math.max(0, Math.ceil((end - Date.now()) / 1000));
      clocks.forEach(function (clock) { clock.textContent = String(left); });
      if (left === 0 && !askedAtZero) {
        askedAtZero = true;
        poll(); // the question has closed: show its answer at once
      }
    }

    function show(name, value) {
      document.querySelectorAll('[data-live-count="' + name + '"]').forEach(function (count) {
        count.textContent = String(value);
      });
    }

    function poll() {
      if (busy || document.hidden) return;
      busy = true;
      fetch(url, { cache: "no-store", credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          // No longer allowed (removed from the class, the class archived, logged out):
          // the page itself says why.
          if (response.status === 401 || response.status === 403 || response.status === 404) {
            window.location.reload();
            return null;
          }
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.json();
        })
        .then(function (state) {
          if (state === null) return;
          if (state.key !== key || (players !== null && String(state.players) !== players)) {
            window.location.reload();
            return;
          }
          show("players", state.players);
          show("answers", state.answers);
          if (state.remaining !== null && clocks.length) end = Date.now() + state.remaining * 1000;
        })
        .catch(function () {
          // A lost connection: the next tick tries again.
        })
        .finally(function () {
          busy = false;
        });
    }

    setInterval(poll, seconds * 1000);
    if (end !== null) setInterval(tick, 250);
  }

  // An answer sent while the connection is down is not lost on the browser's error page:
  // the page first asks the server whether it can be reached (a small request of its own),
  // and only then sends the form as usual; offline, the form stays as it was, says so, and
  // is sent again at the next press.
  function sendAnswerSafely() {
    var form = document.getElementById("live-answer");
    var box = document.querySelector("[data-live-url]");
    if (!form || !box) return;
    var status = form.querySelector("[data-live-send-status]");
    var sending = false;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (sending) return;
      sending = true;
      status.textContent = "";
      fetch(box.getAttribute("data-live-url"), { cache: "no-store", credentials: "same-origin" })
        .then(function () { form.submit(); })
        .catch(function () {
          sending = false;
          status.textContent = "Not sent: there is no connection. Your answer is kept here: send it again once you are back online.";
        });
    });
  }

  function ready() {
    start();
    sendAnswerSafely();
  }

  if (document.readyState !== "loading") ready();
  else document.addEventListener("DOMContentLoaded", ready);
})();
