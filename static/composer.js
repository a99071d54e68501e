/* The message composer: a counter right from the first keystroke and buttons that insert a variable at the cursor.
   No framework and no inline script; the preview itself comes from the server (htmx swaps it). */
(function () {
  "use strict";

  function updateCounter(textarea) {
    var counter = document.getElementById(textarea.dataset.counter);
    if (!counter) { return; }
    var length = Array.from(textarea.value).length; /* code points, as the server counts */
    var limit = parseInt(counter.dataset.limit, 10);
    var near = parseInt(counter.dataset.near, 10);
    var state = length > limit ? "over" : (length >= near ? "near" : "");
    counter.dataset.length = String(length);
    counter.querySelector(".count-value").textContent = String(length);
    counter.classList.toggle("field-error", state === "over");
    counter.classList.toggle("near-limit", state === "near");
    counter.querySelectorAll("[data-when]").forEach(function (note) { note.hidden = note.dataset.when !== state; });
  }

  function refresh(root) {
    root.querySelectorAll("[data-composer-tools]").forEach(function (tools) { tools.hidden = false; });
    document.querySelectorAll("textarea[data-counter]").forEach(updateCounter);
  }

  document.addEventListener("input", function (event) {
    var target = event.target;
    if (target instanceof HTMLTextAreaElement && target.dataset.counter) { updateCounter(target); }
  });

  document.addEventListener("click", function (event) {
    var button = event.target instanceof Element ? event.target.closest("button[data-insert]") : null;
    if (!button) { return; }
    var textarea = document.getElementById(button.dataset.target);
    if (!textarea) { return; }
    textarea.setRangeText(button.dataset.insert, textarea.selectionStart, textarea.selectionEnd, "end");
    textarea.focus();
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  });

  document.addEventListener("DOMContentLoaded", function () { refresh(document); });
  /* At the swap itself, not at the settle 20 ms later: a preview answered for an older text must not show its count
     (one keystroke behind) in between. */
  document.addEventListener("htmx:afterSwap", function (event) { refresh(event.target); });
}());
