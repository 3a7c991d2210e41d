// kurskit in the static book: practice questions rendered by the same renderer as the live
// widget, checked in the browser by score.js (a port of kurskit.course.score, tested against
// it), nothing saved. Graded questions arrive as read-only HTML without their key.
import question from "./question.js";
import { score } from "./score.js";

const stringsByLanguage = {};
for (const node of document.querySelectorAll("script.kk-strings")) {
  stringsByLanguage[node.dataset.lang] = JSON.parse(node.textContent);
}

function empty(response) {
  return response === null || response === undefined || response === "" ||
    (Array.isArray(response) && response.length === 0);
}

// The same steps as the live widget's check(), minus saving (kurskit/widgets/question.py).
function check(view, response) {
  if (empty(response)) return { verdict: "invalid", message: "no_answer" };
  const result = score(view, response);
  if (result.status === "invalid") {
    if (view.type === "numeric") return { verdict: "invalid", message: "not_a_number" };
    if (view.type === "reflection" && view.min_words) {
      return { verdict: "invalid", message: "min_words", values: { count: view.min_words } };
    }
    return { verdict: "invalid", message: "no_answer" };
  }
  if (result.status === "pending") return { verdict: "pending" };
  if (result.correct === null) return { verdict: "thanks" };
  const picked = Array.isArray(response) ? response : [response];
  const optionFeedback = {};
  const optionTexts = new Set();
  for (const option of view.options || []) {
    if (picked.includes(option.id) && option.feedback) {
      optionFeedback[option.id] = option.feedback_html;
      optionTexts.add(option.feedback);
    }
  }
  return {
    verdict: result.correct ? "correct" : result.score ? "partly" : "incorrect",
    score: result.score,
    max: result.max,
    feedback_html: result.feedback.filter((text) => !optionTexts.has(text)).map(escapeHtml),
    option_feedback_html: optionFeedback,
  };
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
}

// What the learner sees: ordering items in their shown order, not the right one.
function displayed(view) {
  if (!view.shown_order) return view;
  const byId = Object.fromEntries(view.items.map((item) => [item.id, item]));
  return { ...view, items: view.shown_order.map((id) => byId[id]) };
}

// A stand-in for the widget model: the renderer only uses get/set/on/save_changes/send.
function staticModel(view, strings) {
  const state = { view: displayed(view), strings, response: null, result: {}, save_state: "idle",
    save_message: strings.not_saved_in_book, notice: "", locked: false };
  const listeners = {};
  return {
    get: (key) => state[key],
    set: (key, value) => {
      state[key] = value;
      for (const listener of listeners[`change:${key}`] || []) listener();
    },
    on: (event, listener) => { (listeners[event] ||= []).push(listener); },
    save_changes: () => {},
    send(message) {
      if (message.kind === "check") this.set("result", check(view, message.response));
    },
  };
}

for (const el of document.querySelectorAll(".kk-static-question")) {
  const view = JSON.parse(el.dataset.view);
  const strings = stringsByLanguage[el.dataset.lang] || Object.values(stringsByLanguage)[0];
  el.setAttribute("lang", el.dataset.lang);
  question.render({ model: staticModel(view, strings), el });
}
