// Small progressive enhancements. Every page works without this file.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  // Confirm destructive actions (forms with data-confirm).
  function confirmations() {
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
      });
    });
  }

  // Count down the remaining time; submit the saved answers when it reaches zero.
  function timers() {
    document.querySelectorAll(".timer[data-remaining]").forEach(function (timer) {
      var end = Date.now() + parseInt(timer.getAttribute("data-remaining"), 10) * 1000;
      var value = timer.querySelector(".timer-value");
      // The count itself is not read out every second; the last minute is, once.
      var warning = document.createElement("p");
      warning.className = "visually-hidden timer-warning";
      warning.setAttribute("aria-live", "assertive");
      timer.parentNode.insertBefore(warning, timer.nextSibling);
      // A small copy in the corner while the timer is scrolled out of sight (long questions
      // on a phone); screen readers have the timer itself and the warning.
      var corner = document.createElement("div");
      corner.className = "timer-corner";
      corner.setAttribute("aria-hidden", "true");
      corner.hidden = true;
      document.body.appendChild(corner);
      if ("IntersectionObserver" in window) {
        new IntersectionObserver(function (entries) {
          corner.hidden = entries[0].isIntersecting;
        }).observe(timer);
      }
      function tick() {
        var left = Math.max(0, Math.round((end - Date.now()) / 1000));
        var minutes = Math.floor(left / 60), seconds = left % 60;
        value.textContent = minutes + " min " + (seconds < 10 ? "0" : "") + seconds + " s";
        corner.textContent = "Time left " + minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
        if (left <= 60 && !timer.classList.contains("low")) {
          timer.classList.add("low");
          corner.classList.add("low");
          warning.textContent = "One minute left: your saved answers are submitted when the time is up.";
        }
        if (left <= 2 && !checked) {
          checked = true;
          checkUnsavedAnswer();
        }
        if (left === 0) {
          clearInterval(handle);
          // A second's margin: the server counts whole seconds down, not rounded ones.
          setTimeout(function () { window.location.reload(); }, 1000);
        }
      }
      var checked = false;
      var handle = setInterval(tick, 1000);
      tick();
    });
  }

  // Under feedback after each question, an answer counts once checked: one given but not
  // checked when the time runs out is checked now, as autosave keeps the others' answers.
  function checkUnsavedAnswer() {
    var form = document.getElementById("question-form");
    if (!form || form.getAttribute("data-autosave") || !form.querySelector("button[value=check]")) return;
    var data = new FormData(form);
    data.set("action", "check");
    fetch(form.getAttribute("action") || window.location.href, {
      method: "POST", body: data, credentials: "same-origin"
    }).catch(function () {});
  }

  // Save the answer on the server as it is given, so a dropped connection loses nothing.
  function autosave() {
    var form = document.getElementById("question-form");
    if (!form || !form.getAttribute("data-autosave")) return;
    var url = form.getAttribute("data-autosave");
    var status = form.querySelector(".save-status");
    var timer = null;
    function save() {
      var data = new FormData(form);
      data.set("action", "save");
      return fetch(url, { method: "POST", body: data, credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
        .then(function (response) {
          // Only the autosave answers in JSON: anything else is an error page (an ended
          // session's refused token, for one), not a lost connection.
          if ((response.headers.get("Content-Type") || "").indexOf("application/json") === -1) {
            return { message: "Not saved: reload the page to go on. Your answer is kept on this page." };
          }
          return response.json();
        })
        .then(function (body) { if (status) status.textContent = body.message || ""; })
        .catch(function () { if (status) status.textContent = "Not saved yet: check your connection. Your answer is kept on this page."; });
    }
    // An order question half ranked is not an answer yet: wait for every position.
    function halfRanked() {
      var ranks = Array.prototype.slice.call(form.querySelectorAll(".order-rank"));
      var given = ranks.filter(function (select) { return select.value; }).length;
      return given > 0 && given < ranks.length;
    }
    function schedule() {
      clearTimeout(timer);
      timer = null;
      if (halfRanked()) {
        if (status) status.textContent = "";
        return;
      }
      timer = setTimeout(function () { timer = null; save(); }, 600);
    }
    // Touched here, an answer left empty is taken back on purpose (see the form's answer_state).
    var state = form.querySelector("input[name=answer_state]");
    function touched() { if (state) state.value = "changed"; }
    form.addEventListener("input", touched);
    form.addEventListener("change", touched);
    form.addEventListener("order-changed", touched);
    form.addEventListener("change", schedule);
    form.addEventListener("input", schedule);
    form.addEventListener("order-changed", schedule);
    // The form's own buttons send the answer with them.
    form.addEventListener("submit", function () { clearTimeout(timer); timer = null; });
    // A link of the page (the overview) followed within the wait: save first, so the next
    // page already counts the answer.
    document.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest("a[href]");
      if (!link || timer === null || event.defaultPrevented || event.ctrlKey || event.metaKey || event.shiftKey) return;
      event.preventDefault();
      clearTimeout(timer); timer = null;
      var go = function () { window.location.href = link.href; };
      save().then(go, go);
    });
    // Leaving the page (a closed tab) within the wait sends what was typed anyway.
    window.addEventListener("pagehide", function () {
      if (timer === null || !navigator.sendBeacon) return;
      clearTimeout(timer); timer = null;
      var data = new FormData(form);
      data.set("action", "save");
      navigator.sendBeacon(url, data);
    });
  }

  // Ordering questions: drag items, or move them with buttons; the position menus follow.
  function ordering() {
    document.querySelectorAll("[data-order]").forEach(function (box) {
      var list = box.querySelector(".order-list");
      var items = Array.prototype.slice.call(list.querySelectorAll(".order-item"));
      var answered = items.every(function (item) { return item.querySelector("select").value; });
      if (answered) {
        items.sort(function (a, b) { return a.querySelector("select").value - b.querySelector("select").value; });
        items.forEach(function (item) { list.appendChild(item); });
      }
      // Says where a moved item went: the buttons keep the focus, so nothing else would.
      var status = document.createElement("p");
      status.className = "visually-hidden order-status";
      status.setAttribute("aria-live", "polite");
      box.appendChild(status);
      function renumber() {
        list.querySelectorAll(".order-item").forEach(function (item, index) {
          item.querySelector("select").value = String(index + 1);
        });
        box.dispatchEvent(new Event("order-changed", { bubbles: true }));
      }
      function moved(item, label) {
        renumber();
        status.textContent = label + ": position " + item.querySelector("select").value + " of " + items.length + ".";
      }
      items.forEach(function (item) {
        item.setAttribute("draggable", "true");
        var label = item.querySelector(".order-text").textContent;
        var up = document.createElement("button");
        up.type = "button"; up.className = "button move"; up.textContent = "↑";
        up.setAttribute("aria-label", "Move up: " + label);
        var down = document.createElement("button");
        down.type = "button"; down.className = "button move"; down.textContent = "↓";
        down.setAttribute("aria-label", "Move down: " + label);
        up.addEventListener("click", function () {
          if (item.previousElementSibling) { list.insertBefore(item, item.previousElementSibling); moved(item, label); up.focus(); }
        });
        down.addEventListener("click", function () {
          if (item.nextElementSibling) { list.insertBefore(item.nextElementSibling, item); moved(item, label); down.focus(); }
        });
        item.appendChild(up); item.appendChild(down);
        item.addEventListener("dragstart", function () { item.classList.add("dragging"); });
        item.addEventListener("dragend", function () { item.classList.remove("dragging"); renumber(); });
      });
      list.addEventListener("dragover", function (event) {
        event.preventDefault();
        var dragging = list.querySelector(".dragging");
        if (!dragging) return;
        var after = null;
        list.querySelectorAll(".order-item:not(.dragging)").forEach(function (item) {
          var box = item.getBoundingClientRect();
          if (after === null && event.clientY < box.top + box.height / 2) after = item;
        });
        list.insertBefore(dragging, after);
      });
      list.addEventListener("change", function (event) {
        if (!event.target.matches("select")) return;
        var sorted = Array.prototype.slice.call(list.querySelectorAll(".order-item"));
        if (sorted.every(function (item) { return item.querySelector("select").value; })) {
          sorted.sort(function (a, b) { return a.querySelector("select").value - b.querySelector("select").value; });
          sorted.forEach(function (item) { list.appendChild(item); });
        }
      });
    });
  }

  // A table wider than the screen scrolls sideways: shade its edge while more lies beyond.
  function scrollHints() {
    document.querySelectorAll(".table-wrap").forEach(function (wrap) {
      function update() {
        wrap.classList.toggle("has-more", wrap.scrollWidth - wrap.clientWidth - wrap.scrollLeft > 2);
      }
      update();
      wrap.addEventListener("scroll", update, { passive: true });
      window.addEventListener("resize", update);
    });
  }

  // A new account starts in the browser's time zone.
  function browserZone() {
    var field = document.querySelector("input[data-browser-zone]");
    if (!field || field.value || !window.Intl) return;
    field.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  }

  // A form sent back with errors puts the cursor in the first field to fix, or on the
  // summary of what went wrong ([data-focus]).
  function focusFirstError() {
    var target = document.querySelector("[data-focus]") || document.querySelector(
      ".field-error input:not([type=hidden]), .field-error select, .field-error textarea"
    );
    if (target && !document.querySelector("[autofocus]")) target.focus();
  }

  // A phone's closed menu cuts a long choice short: the whole of a match's chosen partner is
  // shown under its menu, for the student to check their pairs before going on.
  function matchChoices() {
    document.querySelectorAll(".match-row select").forEach(function (select) {
      var shown = document.createElement("span");
      shown.className = "match-chosen";
      shown.setAttribute("aria-hidden", "true"); // the menu itself says it
      select.insertAdjacentElement("afterend", shown);
      function update() {
        var option = select.options[select.selectedIndex];
        shown.textContent = option && option.value ? option.text : "";
      }
      select.addEventListener("change", update);
      update();
    });
  }

  ready(function () {
    matchChoices();
    focusFirstError();
    browserZone();
    scrollHints();
    confirmations();
    timers();
    autosave();
    ordering();
  });
})();
