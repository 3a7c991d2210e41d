// Catalog filters that work without a server: hide courses that do not match the choices.
// The choices live in the address (?language=sv&level=…&competence=…), so a filtered catalog
// survives a reload and a portal can link to it.
const form = document.querySelector("form.kk-filters");
if (form) {
  const cards = [...document.querySelectorAll(".kk-catalog .kk-card")];
  const count = document.querySelector(".kk-count");
  const template = form.dataset.template;
  const names = ["language", "level", "competence"];
  const apply = () => {
    const chosen = Object.fromEntries(names.map((name) => [name, form.elements[name].value]));
    let shown = 0;
    for (const card of cards) {
      const match = (!chosen.language || card.dataset.language === chosen.language) &&
        (!chosen.level || card.dataset.level === chosen.level) &&
        (!chosen.competence || card.dataset.competences.split(" ").includes(chosen.competence));
      card.hidden = !match;
      if (match) shown += 1;
    }
    count.textContent = template.replace("{count}", shown).replace("{total}", cards.length);
    return chosen;
  };
  const remember = (chosen) => {
    const params = new URLSearchParams(window.location.search);
    for (const name of names) {
      if (chosen[name]) params.set(name, chosen[name]); else params.delete(name);
    }
    const query = params.toString();
    history.replaceState(null, "", window.location.pathname + (query ? `?${query}` : "") + window.location.hash);
  };
  // Choices from the address first (an unknown value is ignored: the select keeps "all").
  const given = new URLSearchParams(window.location.search);
  for (const name of names) {
    const value = given.get(name);
    const select = form.elements[name];
    if (value && [...select.options].some((option) => option.value === value)) select.value = value;
  }
  if (names.some((name) => form.elements[name].value)) apply();
  form.addEventListener("change", () => remember(apply()));
  form.addEventListener("submit", (event) => event.preventDefault());
}
