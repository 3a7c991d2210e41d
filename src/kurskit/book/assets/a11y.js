// Fixes for the book theme's own accessibility failures (WCAG 2.1 AA, checked with axe), in
// the page's language: the sidebar's expand/collapse toggles are <summary> elements holding
// only an icon, and the theme's own words (skip link, buttons, labels) are English only.
const all = JSON.parse(document.documentElement.dataset.kurskitLabels || "{}");
const lang = (document.documentElement.lang || "nb").slice(0, 2);
const labels = all[lang] || all.nb || { theme: {} };
for (const summary of document.querySelectorAll("summary")) {
  if (!summary.textContent.trim() && !summary.hasAttribute("aria-label") && labels.toggle_subpages) {
    summary.setAttribute("aria-label", labels.toggle_subpages);
  }
}
// The theme's words: in attributes anywhere, in text outside the page's own content.
const words = labels.theme || {};
const attributes = ["aria-label", "title", "placeholder", "data-bs-title", "data-bs-original-title"];
for (const element of document.querySelectorAll(attributes.map((a) => `[${a}]`).join(","))) {
  if (element.closest("article.bd-article") && !element.classList.contains("headerlink")) continue;
  for (const name of attributes) {
    const value = element.getAttribute(name);
    if (value && words[value.trim()]) element.setAttribute(name, words[value.trim()]);
  }
}
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
const texts = [];
while (walker.nextNode()) texts.push(walker.currentNode);
for (const node of texts) {
  if (node.parentElement.closest("article.bd-article, script, style")) continue;
  const text = node.textContent.trim();
  if (words[text]) node.textContent = node.textContent.replace(text, words[text]);
}
