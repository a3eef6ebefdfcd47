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

  function review() {
    var card = document.getElementById("flashcard");
    if (!card) return;
    var back = document.getElementById("card-back");
    var revealRow = document.getElementById("reveal-row");
    var show = document.getElementById("show-answer");
    var ratings = document.getElementById("ratings");
    var nextRow = document.getElementById("next-row");
    var next = document.getElementById("next-card");
    var sent = false;

    function revealed() {
      return !back.hidden;
    }
    function reveal() {
      if (revealed()) return;
      back.hidden = false;
      if (ratings) ratings.hidden = false;
      if (nextRow) nextRow.hidden = false;
      if (revealRow) revealRow.hidden = true;
      back.focus();
    }
    if (show) {
      show.addEventListener("click", function (event) {
        event.preventDefault();
        reveal();
      });
    }
    if (ratings) {
      // One rating per card: a second click or key press would only meet "already rated".
      ratings.addEventListener("submit", function (event) {
        if (sent) event.preventDefault();
        sent = true;
      });
      window.addEventListener("pageshow", function (event) {
        if (event.persisted) sent = false;
      });
    }

    document.addEventListener("keydown", function (event) {
      if (event.ctrlKey || event.metaKey || event.altKey || event.repeat || typing(event.target)) return;
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
