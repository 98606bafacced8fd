// Enhancements only: every page works without this file (links and forms do the work).
"use strict";

document.documentElement.classList.add("js");

// "/" focuses the search box, as on most search sites, unless the user is typing.
document.addEventListener("keydown", (event) => {
  if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target;
  if (target instanceof HTMLElement &&
      (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName))) {
    return;
  }
  const box = document.getElementById("q");
  if (!box) return;
  event.preventDefault();
  box.focus();
  box.select();
});

document.addEventListener("DOMContentLoaded", () => {
  // A facet checkbox applies at once, through the URL the server computed for it.
  for (const box of document.querySelectorAll("input[data-toggle-url]")) {
    box.addEventListener("change", () => {
      window.location.assign(box.dataset.toggleUrl);
    });
  }
  // On a phone the filters start folded, so the results come first.
  const filters = document.querySelector("details.filters");
  if (filters && window.matchMedia("(max-width: 48rem)").matches) {
    filters.open = false;
  }
});
