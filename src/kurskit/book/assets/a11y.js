// Fixes for the book theme's own accessibility failures (WCAG 2.1 AA, checked with axe):
// the sidebar's expand/collapse toggles are <summary> elements holding only an icon.
const label = document.documentElement.dataset.kurskitToggleLabel;
for (const summary of document.querySelectorAll("summary")) {
  if (!summary.textContent.trim() && !summary.hasAttribute("aria-label")) {
    summary.setAttribute("aria-label", label);
  }
}
