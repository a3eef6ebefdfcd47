// Flashcards, progressively: Space shows the answer and 1-4 rate the card, as in Anki;
// on the settings form, the browser's time zone is suggested. Every page works without this.
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  function typing(target) {
    return target && target.closest && target.closest("input, textarea, select, [contenteditable]");
  }

  function byId(id) {
    return document.getElementById(id);
  }

  // The back of a card is not in the page until it is asked for: "Show answer" (or Space)
  // fetches the page with the back and puts its card in place of this one. If that fails,
  // the link is simply followed.
  function review() {
    if (!byId("flashcard")) return;
    var fetching = false;
    var sent = false;

    function revealed() {
      return byId("card-back") !== null;
    }
    function reveal() {
      var show = byId("show-answer");
      if (revealed() || fetching || !show) return;
      fetching = true;
      fetch(show.href, { credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error("status " + response.status);
          return response.text();
        })
        .then(function (html) {
          var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("flashcard");
          var card = byId("flashcard");
          if (!fresh || !card || !fresh.querySelector("#card-back")) throw new Error("no card back");
          card.replaceWith(document.adoptNode(fresh));
          history.replaceState(null, "", show.href);
          fetching = false;
          sent = false;
          byId("card-back").focus();
        })
        .catch(function () {
          window.location.assign(show.href);
        });
    }

    document.addEventListener("click", function (event) {
      if (event.target.closest && event.target.closest("#show-answer")) {
        event.preventDefault();
        reveal();
      }
    });
    // One rating per card: a second click or key press would only meet "already rated".
    document.addEventListener("submit", function (event) {
      if (event.target.id !== "ratings") return;
      if (sent) event.preventDefault();
      sent = true;
    });
    window.addEventListener("pageshow", function (event) {
      if (event.persisted) sent = false;
    });

    document.addEventListener("keydown", function (event) {
      if (event.ctrlKey || event.metaKey || event.altKey || event.repeat || typing(event.target)) return;
      var ratings = byId("ratings");
      var next = byId("next-card");
      if (event.key === " ") {
        if (!revealed()) {
          event.preventDefault();
          reveal();
        } else if (next && !ratings) {
          event.preventDefault();
          next.click();
        }
        return;
      }
      if (ratings && revealed() && /^[1-4]$/.test(event.key)) {
        var button = ratings.querySelector('button[name="rating"][value="' + event.key + '"]');
        if (!button || sent) return;
        event.preventDefault();
        if (ratings.requestSubmit) ratings.requestSubmit(button);
        else button.click();
      }
    });
  }

  // Suggest the browser's time zone while the learner still has the default one.
  function timeZone() {
    var select = document.getElementById("timezone");
    var note = document.getElementById("zone-suggestion");
    if (!select || !note || select.value !== "UTC" || !window.Intl) return;
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!zone || zone === "UTC" || !select.querySelector('option[value="' + zone + '"]')) return;
    select.value = zone;
    note.textContent = "Your browser says your time zone is " + zone.replace(/_/g, " ") +
      ". Save the settings to use it.";
    note.hidden = false;
  }

  ready(function () {
    review();
    timeZone();
  });
})();
