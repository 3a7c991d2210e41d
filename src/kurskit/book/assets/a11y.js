// Fixes for the book theme's own accessibility failures (WCAG 2.1 AA, checked with axe), in
// the page's language: the sidebar's expand/collapse toggles are <summary> elements holding
// only an icon, and the skip link is in English whatever the page's language.
const all = JSON.parse(document.documentElement.dataset.kurskitLabels || "{}");
const lang = (document.documentElement.lang || "nb").slice(0, 2);
const labels = all[lang] || all.nb || {};
for (const summary of document.querySelectorAll("summary")) {
  if (!summary.textContent.trim() && !summary.hasAttribute("aria-label") && labels.toggle_subpages) {
    summary.setAttribute("aria-label", labels.toggle_subpages);
  }
}
const skip = document.querySelector("#pst-skip-link a, a.skip-link");
if (skip && labels.skip_to_content) skip.textContent = labels.skip_to_content;
