// The webinar pages of the answers service: a participant sees the open question appear and
// answers it; the projector shows the class result. Both wait for news by long polling.
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("config").textContent);
  const text = config.text;
  const root = document.getElementById("webinar");
  const projector = config.kind === "projector";
  let version = -1;
  let shown = null; // the number and status of the question on screen

  function element(tag, attributes, children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (name === "text") node.textContent = value;
      else node.setAttribute(name, value);
    }
    for (const child of children || []) node.appendChild(child);
    return node;
  }

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, (_, name) => String(values[name]));
  }

  function cookie(name) {
    const found = document.cookie.split("; ").find((part) => part.startsWith(name + "="));
    return found ? decodeURIComponent(found.split("=")[1]) : config.xsrf;
  }

  function choices(spec) {
    if (spec.type === "true_false") {
      return [{ id: true, text: text["true"] }, { id: false, text: text["false"] }];
    }
    if (spec.type === "likert") {
      return spec.scale.map((label, index) => ({ id: index + 1, text: label }));
    }
    return (spec.options || []).map((option) => ({ id: option.id, text: option.text }));
  }

  function form(question) {
    const spec = question.spec;
    const open = question.status === "open";
    const many = spec.type === "multiple_choice" || (spec.type === "poll" && spec.multiple);
    const status = element("p", { class: "status", role: "status" });
    const fields = element("fieldset", open ? {} : { disabled: "" }, [
      element("legend", { text: spec.prompt }),
    ]);
    let read;
    if (["single_choice", "multiple_choice", "poll", "true_false", "likert"].includes(spec.type)) {
      const inputs = choices(spec).map((choice, index) => {
        const input = element("input", {
          type: many ? "checkbox" : "radio",
          name: "answer",
          id: "choice-" + index,
        });
        input.dataset.value = JSON.stringify(choice.id);
        fields.appendChild(
          element("label", { class: "choice", for: "choice-" + index }, [
            input,
            element("span", { text: choice.text }),
          ]),
        );
        return input;
      });
      read = () => {
        const picked = inputs.filter((input) => input.checked).map((i) => JSON.parse(i.dataset.value));
        if (!picked.length) return undefined;
        return many ? picked : picked[0];
      };
    } else if (spec.type === "numeric" || spec.type === "short_text") {
      const input = element("input", {
        type: "text",
        id: "answer",
        autocomplete: "off",
        inputmode: spec.type === "numeric" ? "decimal" : "text",
      });
      fields.appendChild(element("label", { for: "answer", text: text.your_answer }));
      fields.appendChild(input);
      read = () => (input.value.trim() ? input.value.trim() : undefined);
    } else {
      fields.appendChild(element("p", { text: spec.prompt }));
      read = () => undefined;
    }
    const button = element("button", { type: "submit", text: text.submit });
    const node = element("form", {}, [fields, open ? button : element("span"), status]);
    node.addEventListener("submit", async (event) => {
      event.preventDefault();
      const response = read();
      if (response === undefined) {
        status.textContent = text.no_answer;
        return;
      }
      button.disabled = true;
      status.textContent = text.saving;
      try {
        const reply = await fetch(config.api + "answer", {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-XSRFToken": cookie("_xsrf") },
          body: JSON.stringify({
            course: config.course,
            module: config.module,
            response: response,
            idempotency_key: crypto.randomUUID ? crypto.randomUUID() : String(Math.random()),
          }),
        });
        const body = await reply.json();
        status.textContent = reply.ok
          ? format(text.saved, { time: new Date().toLocaleTimeString() })
          : format(text.not_saved, { reason: body.error || reply.status });
      } catch (error) {
        status.textContent = format(text.not_saved, { reason: String(error) });
      } finally {
        button.disabled = false;
      }
    });
    return node;
  }

  function result(outcome, heading) {
    const parts = [element("h2", { text: heading })];
    const most = Math.max(1, ...(outcome.bars || outcome.histogram || outcome.words || []).map((b) => b.count));
    if (outcome.bars || outcome.histogram) {
      const rows = (outcome.bars || outcome.histogram.map((bin) => ({
        label: `${+bin.from.toPrecision(4)} – ${+bin.to.toPrecision(4)}`,
        count: bin.count,
      }))).map((bar) =>
        element("li", { class: bar.right ? "right" : "" }, [
          element("span", { class: "label", text: `${bar.label}: ${bar.count}` }),
          element("span", { class: "bar", style: `width: ${(100 * bar.count) / most}%`, "aria-hidden": "true" }),
        ]),
      );
      parts.push(element("ul", { class: "bars" }, rows));
    }
    if (outcome.words) {
      parts.push(element("ul", { class: "words" }, outcome.words.map((word) =>
        element("li", { text: `${word.text} (${word.count})` }))));
    }
    if (outcome.right !== undefined) {
      const right = Array.isArray(outcome.right) ? outcome.right.join(", ") : String(outcome.right);
      parts.push(element("p", { class: "right", text: `${text.webinar_right_answer} ${right}` }));
    }
    return element("section", { "aria-label": heading }, parts);
  }

  function render(state) {
    const question = state.question;
    const key = question ? `${question.number}/${question.status}` : "none";
    if (!projector && key === shown) return; // keep what the participant is typing
    shown = key;
    root.replaceChildren();
    if (!question) {
      root.appendChild(element("p", { class: "status", text: text.webinar_waiting }));
      return;
    }
    if (projector) {
      root.appendChild(element("h1", { text: question.spec.prompt }));
      root.appendChild(element("p", {
        class: "status",
        text: format(text.webinar_answered, { answered: state.answered || 0, joined: state.joined || 0 }),
      }));
      if (state.result) root.appendChild(result(state.result, text.webinar_class_result));
      return;
    }
    root.appendChild(form(question));
    if (question.status === "closed") {
      root.appendChild(element("p", { class: "status", text: text.webinar_closed }));
    }
    if (question.status === "revealed") {
      root.appendChild(element("p", { class: "status", text: text.webinar_revealed }));
      if (question.result) root.appendChild(result(question.result, text.webinar_class_result));
    }
  }

  async function follow() {
    for (;;) {
      const address = new URL(config.api + "state", window.location.href);
      address.searchParams.set("course", config.course);
      address.searchParams.set("module", config.module);
      address.searchParams.set("since", String(version));
      if (projector) address.searchParams.set("view", "class");
      try {
        // Cookie-authenticated reads need the XSRF token too (JupyterHub checks fetches).
        const reply = await fetch(address, {
          credentials: "same-origin",
          headers: { "X-XSRFToken": cookie("_xsrf") },
        });
        if (!reply.ok) throw new Error(String(reply.status));
        const state = await reply.json();
        version = state.version;
        render(state);
      } catch (error) {
        root.setAttribute("data-offline", "true");
        const note = element("p", { class: "status", text: text.webinar_offline });
        if (!root.querySelector("[data-note]")) root.appendChild(note).setAttribute("data-note", "");
        await new Promise((resolve) => setTimeout(resolve, 2000));
        continue;
      }
      root.removeAttribute("data-offline");
      const note = root.querySelector("[data-note]");
      if (note) note.remove();
    }
  }

  follow();
})();
