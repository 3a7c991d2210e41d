// Catalog filters that work without a server: hide courses that do not match the choices.
const form = document.querySelector("form.kk-filters");
if (form) {
  const cards = [...document.querySelectorAll(".kk-catalog .kk-card")];
  const count = document.querySelector(".kk-count");
  const template = form.dataset.template;
  const apply = () => {
    const language = form.elements.language.value;
    const level = form.elements.level.value;
    const competence = form.elements.competence.value;
    let shown = 0;
    for (const card of cards) {
      const match = (!language || card.dataset.language === language) &&
        (!level || card.dataset.level === level) &&
        (!competence || card.dataset.competences.split(" ").includes(competence));
      card.hidden = !match;
      if (match) shown += 1;
    }
    count.textContent = template.replace("{count}", shown).replace("{total}", cards.length);
  };
  form.addEventListener("change", apply);
  form.addEventListener("submit", (event) => event.preventDefault());
}
