// kurskit question widget: renders one question from its learner view (no answer key in it).
// The kernel checks answers with kurskit.course.score() and sends back `result`; this file
// only draws, collects the response and announces results. Shared by every question type.
// anywidget loads it through its default export (`export default { render }`); the static
// book imports the same default export and calls its `render` with a stand-in model.

let counter = 0;

function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "html") node.innerHTML = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) if (child) node.append(child);
  return node;
}

function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (_, name) => (name in values ? String(values[name]) : `{${name}}`));
}

// One function per question type: draw the controls, and return how to read the response.
const CONTROLS = {
  single_choice: (ctx) => choice(ctx, "radio", ctx.view.options),
  multiple_choice: (ctx) => choice(ctx, "checkbox", ctx.view.options),
  poll: (ctx) => (!ctx.view.multiple && ctx.view.options.length > LONG_LIST
    ? selectList(ctx, ctx.view.options)
    : choice(ctx, ctx.view.multiple ? "checkbox" : "radio", ctx.view.options)),
  true_false: (ctx) => {
    const options = [
      { id: "true", html: ctx.strings.true },
      { id: "false", html: ctx.strings.false },
    ];
    const start = ctx.response === true ? "true" : ctx.response === false ? "false" : null;
    const read = choice({ ...ctx, response: start }, "radio", options);
    return { ...read, value: () => (read.value() === null ? null : read.value() === "true") };
  },
  likert: (ctx) => {
    const options = ctx.view.scale.map((label, index) => ({ id: String(index + 1), html: escapeHtml(label) }));
    const start = Number.isInteger(ctx.response) ? String(ctx.response) : null;
    const read = choice({ ...ctx, response: start }, "radio", options, "kk-scale");
    return { ...read, value: () => (read.value() === null ? null : Number(read.value())) };
  },
  numeric: (ctx) => textInput(ctx, { inputmode: "decimal", unit: ctx.view.unit }),
  short_text: (ctx) => textInput(ctx, {}),
  reflection: (ctx) => {
    const id = `${ctx.uid}-text`;
    const counterId = `${ctx.uid}-count`;
    const area = h("textarea", { id, rows: 6, class: "kk-textarea", "aria-labelledby": ctx.promptId,
      "aria-describedby": counterId });
    area.value = typeof ctx.response === "string" ? ctx.response : "";
    const count = h("p", { id: counterId, class: "kk-hint" });
    const words = () => (area.value.trim() ? area.value.trim().split(/\s+/).length : 0);
    const update = () => {
      const parts = [fill(ctx.strings.words, { count: words() })];
      if (ctx.view.min_words) parts.push(fill(ctx.strings.min_words, { count: ctx.view.min_words }));
      count.textContent = parts.join(" · ");
    };
    area.addEventListener("input", () => { update(); ctx.changed(); });
    update();
    ctx.body.append(area, count);
    return { value: () => area.value, inputs: [area] };
  },
  feedback: (ctx) => {
    const start = ctx.response && typeof ctx.response === "object" ? ctx.response : {};
    const options = Array.from({ length: ctx.view.scale }, (_, i) => ({ id: String(i + 1), html: String(i + 1) }));
    const legendText = fill(ctx.strings.rating, { max: ctx.view.scale });
    const rating = choice({ ...ctx, response: start.rating ? String(start.rating) : null }, "radio", options,
      "kk-scale", legendText);
    let area = null;
    if (ctx.view.comment) {
      const id = `${ctx.uid}-comment`;
      area = h("textarea", { id, rows: 4, class: "kk-textarea" });
      area.value = typeof start.comment === "string" ? start.comment : "";
      area.addEventListener("input", ctx.changed);
      ctx.body.append(h("label", { for: id, class: "kk-label", text: ctx.strings.comment }), area);
    }
    return {
      value: () => (rating.value() === null ? null : { rating: Number(rating.value()), comment: area ? area.value : "" }),
      inputs: [...rating.inputs, ...(area ? [area] : [])],
      feedbackFor: () => null,
    };
  },
  ordering: (ctx) => ordering(ctx),
  code: (ctx) => {
    const testsId = `${ctx.uid}-tests`;
    ctx.body.append(h("p", { class: "kk-hint", text: ctx.strings.code_hint }));
    if (ctx.view.tests) {
      ctx.body.append(
        h("p", { id: testsId, class: "kk-label", text: ctx.strings.visible_tests }),
        h("pre", { class: "kk-code", "aria-labelledby": testsId }, h("code", { text: ctx.view.tests })),
      );
    }
    return { value: () => "", inputs: [] };
  },
};

// A single choice among more options than this is a drop-down list, not a column of buttons.
const LONG_LIST = 12;

function selectList(ctx, options) {
  const id = `${ctx.uid}-select`;
  const select = h("select", { id, class: "kk-select", "aria-labelledby": ctx.promptId });
  select.append(h("option", { value: "", text: ctx.strings.choose }));
  for (const option of options) {
    const item = h("option", { value: option.id });
    item.textContent = new DOMParser().parseFromString(option.html, "text/html").body.textContent;
    select.append(item);
  }
  select.value = ctx.response == null ? "" : String(ctx.response);
  select.addEventListener("change", ctx.changed);
  ctx.body.append(select);
  return { value: () => (select.value === "" ? null : select.value), inputs: [select], feedbackFor: () => null };
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
}

function choice(ctx, kind, options, extraClass = "", legendText = null) {
  const name = `${ctx.uid}-${kind}-${legendText ? "rating" : "choice"}`;
  const picked = new Set(Array.isArray(ctx.response) ? ctx.response : ctx.response == null ? [] : [String(ctx.response)]);
  const fieldset = h("fieldset", { class: `kk-options ${extraClass}`.trim(),
    "aria-labelledby": legendText ? null : ctx.promptId });
  if (legendText) fieldset.append(h("legend", { class: "kk-label", text: legendText }));
  const inputs = [];
  const notes = {};
  for (const option of options) {
    const id = `${name}-${option.id}`;
    const noteId = `${id}-note`;
    const input = h("input", { type: kind, id, name, value: option.id });
    input.checked = picked.has(String(option.id));
    input.addEventListener("change", ctx.changed);
    inputs.push(input);
    const note = h("p", { id: noteId, class: "kk-option-feedback", hidden: true });
    notes[option.id] = { note, input };
    fieldset.append(h("div", { class: "kk-option" }, input, h("label", { for: id, html: option.html ?? escapeHtml(option.text) }), note));
  }
  ctx.body.append(fieldset);
  return {
    value: () => {
      const chosen = inputs.filter((i) => i.checked).map((i) => i.value);
      if (kind === "checkbox") return chosen;
      return chosen.length ? chosen[0] : null;
    },
    inputs,
    feedbackFor: (optionFeedback) => {
      for (const [optionId, { note, input }] of Object.entries(notes)) {
        const html = optionFeedback && optionFeedback[optionId];
        note.hidden = !html;
        note.innerHTML = html || "";
        if (html) input.setAttribute("aria-describedby", note.id);
        else input.removeAttribute("aria-describedby");
      }
    },
  };
}

function textInput(ctx, { inputmode, unit }) {
  const id = `${ctx.uid}-input`;
  const input = h("input", { type: "text", id, class: "kk-input", inputmode, autocomplete: "off",
    "aria-labelledby": unit ? `${ctx.promptId} ${id}-unit` : ctx.promptId });
  input.value = ctx.response == null ? "" : String(ctx.response);
  input.addEventListener("input", ctx.changed);
  ctx.body.append(h("div", { class: "kk-input-row" }, input, unit ? h("span", { id: `${id}-unit`, class: "kk-unit", text: unit }) : null));
  return { value: () => input.value, inputs: [input] };
}

function ordering(ctx) {
  const byId = Object.fromEntries(ctx.view.items.map((item) => [item.id, item]));
  let order = Array.isArray(ctx.response) && ctx.response.every((id) => id in byId) && ctx.response.length === ctx.view.items.length
    ? [...ctx.response] : ctx.view.items.map((item) => item.id);
  const hintId = `${ctx.uid}-order-hint`;
  const list = h("ol", { class: "kk-ordering", "aria-labelledby": ctx.promptId, "aria-describedby": hintId });
  const inputs = [];
  const draw = (focusId, direction) => {
    list.replaceChildren();
    inputs.length = 0;
    order.forEach((itemId, index) => {
      const item = byId[itemId];
      const label = item.text;
      const up = h("button", { type: "button", class: "kk-move", "aria-label": fill(ctx.strings.move_up, { item: label }),
        disabled: index === 0, onclick: () => move(index, -1) }, "↑");
      const down = h("button", { type: "button", class: "kk-move", "aria-label": fill(ctx.strings.move_down, { item: label }),
        disabled: index === order.length - 1, onclick: () => move(index, 1) }, "↓");
      inputs.push(up, down);
      list.append(h("li", { class: "kk-order-item", "data-id": itemId }, h("span", { class: "kk-order-text", html: item.html ?? escapeHtml(label) }), up, down));
      if (itemId === focusId) {
        const target = direction < 0 ? (index === 0 ? down : up) : (index === order.length - 1 ? up : down);
        queueMicrotask(() => target.focus());
      }
    });
  };
  const move = (index, step) => {
    const target = index + step;
    if (target < 0 || target >= order.length) return;
    const moved = order[index];
    [order[index], order[target]] = [order[target], order[index]];
    draw(moved, step);
    ctx.announce(fill(ctx.strings.moved, { item: byId[moved].text, position: target + 1, count: order.length }));
    ctx.changed();
  };
  draw(null, 0);
  ctx.body.append(h("p", { id: hintId, class: "kk-hint", text: ctx.strings.order_hint }), list);
  return { value: () => [...order], inputs };
}

const ICONS = { correct: "✓", incorrect: "✗", partly: "◐", invalid: "!", failed: "✗", passed: "✓" };
// What each verdict says, from the message catalogue; scored verdicts add the points.
const VERDICT_TEXT = { correct: "correct", incorrect: "incorrect", partly: "partly_correct",
  thanks: "thanks", pending: "manual_pending", submitted: "graded_pending" };

function formatNumber(value) {
  return String(Math.round(Number(value) * 1e6) / 1e6);
}

export function wording(result, strings) {
  if (result.message) return fill(strings[result.message] || result.message, result.values || {});
  const text = strings[VERDICT_TEXT[result.verdict]] || "";
  if (result.score === null || result.score === undefined) return text;
  return `${text} ${fill(strings.points, { score: formatNumber(result.score), max: formatNumber(result.max) })}`;
}

// Keys that reach a notebook from inside the widget would act on the notebook, not the
// question. JupyterLab 4 listens for keydown on the notebook and on document in the bubble
// phase: arrow keys move to another cell, single letters are cell commands (a, b, d d …),
// any key in a cell that is not the active one pulls focus to the active cell, and for
// Enter it cancels the `insertLineBreak` input that would submit the form. Lumino's
// `data-lm-suppress-shortcuts` would silence only the shortcuts, not the focus and Enter
// handling, and also the ones a learner still wants, so the widget stops the keys it owns
// here instead. Tab, Escape, Shift+Enter (run the cell) and shortcuts with Ctrl, Alt or Meta
// still reach the page.
function passesThrough(event) {
  return event.key === "Tab" || event.key === "Escape" || event.ctrlKey || event.altKey || event.metaKey ||
    (event.shiftKey && event.key === "Enter");
}

function keepOwnKeys(root) {
  root.addEventListener("keydown", (event) => {
    if (!passesThrough(event)) event.stopPropagation();
  });
}

function render({ model, el }) {
  const uid = `kk${Date.now().toString(36)}${(counter++).toString(36)}`;
  const root = h("section", { class: "kk-question" });
  keepOwnKeys(root);
  el.append(root);
  let read = null;

  const build = () => {
    const view = model.get("view");
    const strings = model.get("strings");
    if (!view || !view.type) return;
    const promptId = `${uid}-prompt`;
    const statusId = `${uid}-status`;
    root.replaceChildren();
    root.setAttribute("aria-labelledby", promptId);
    root.classList.toggle("kk-graded", Boolean(view.graded));
    const prompt = h("div", { id: promptId, class: "kk-prompt", html: view.prompt_html || escapeHtml(view.prompt) });
    const body = h("div", { class: "kk-body" });
    const form = h("form", { class: "kk-form", novalidate: true });
    const announcer = h("p", { class: "kk-visually-hidden", role: "status", "aria-live": "polite" });
    const ctx = {
      view, strings, uid, promptId, body,
      response: model.get("response"),
      changed: () => {},
      announce: (text) => { announcer.textContent = text; },
    };
    read = CONTROLS[view.type](ctx);
    const label = view.type === "code" ? strings.run_checks
      : view.graded ? strings.submit : ["poll", "feedback", "likert", "reflection"].includes(view.type) ? strings.save : strings.check;
    const button = h("button", { type: "submit", class: "kk-check" }, label);
    const status = h("div", { id: statusId, class: "kk-status", role: "status", "aria-live": "polite", "aria-atomic": "true" });
    const saved = h("p", { class: "kk-saved", "aria-live": "polite" });
    const notice = h("p", { class: "kk-notice" });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const response = read.value();
      model.set("response", response);
      model.save_changes();
      model.send({ kind: "check", response });
    });
    form.append(body, h("div", { class: "kk-actions" }, button, saved));
    root.append(
      h("p", { class: "kk-kind", text: view.graded ? strings.graded_label : strings.question_label }),
      prompt, form, status, notice, announcer,
    );

    showResult = () => {
      const result = model.get("result") || {};
      status.replaceChildren();
      status.className = `kk-status kk-verdict-${result.verdict || "none"}`;
      if (result.verdict) {
        const icon = ICONS[result.verdict] || "•";
        status.append(h("p", { class: "kk-verdict" }, h("span", { class: "kk-icon", "aria-hidden": "true", text: icon }), " ",
          wording(result, strings)));
        for (const html of result.feedback_html || []) status.append(h("p", { class: "kk-feedback", html }));
      }
      if (read.feedbackFor) read.feedbackFor(result.option_feedback_html || null);
    };
    showSaved = () => {
      saved.textContent = model.get("save_message") || "";
      saved.className = `kk-saved kk-save-${model.get("save_state")}`;
    };
    showLimits = () => {
      notice.textContent = model.get("notice") || "";
      notice.hidden = !notice.textContent;
      const locked = model.get("locked");
      button.disabled = locked;
      for (const input of read.inputs) input.disabled = locked;
    };
    showResult(); showSaved(); showLimits();
  };
  // Registered once; each build swaps in the functions for the controls it drew.
  let showResult = () => {};
  let showSaved = () => {};
  let showLimits = () => {};
  const listeners = {
    "change:result": () => showResult(),
    "change:save_state": () => showSaved(),
    "change:save_message": () => showSaved(),
    "change:notice": () => showLimits(),
    "change:locked": () => showLimits(),
    "change:view": build,
    "change:strings": build,
  };
  for (const [event, listener] of Object.entries(listeners)) model.on(event, listener);
  build();
  // anywidget calls this when the view goes away (a cell re-run, a closed tab), so a model
  // shown more than once does not keep drawing into views that are gone.
  return () => {
    for (const [event, listener] of Object.entries(listeners)) model.off(event, listener);
  };
}

export default { render };
