// The live desk: keyboard publishing, quick event buttons, player pickers that follow the kind, tools on
// every entry (also on entries that other editors publish), and the clock in the minute fields.
(function () {
  "use strict";
  const desk = document.querySelector("[data-desk]");
  if (!desk || !window.htmx) return;

  const GOALS = ["goal", "penalty_goal", "own_goal"];
  const CARDS = ["yellow_card", "second_yellow", "red_card"];
  // which picker each field offers, and what the second player means, for each kind
  function pickers(kind) {
    if (kind === "substitution") return { player: "on-pitch", player2: "bench", second: "on" };
    if (CARDS.includes(kind)) return { player: "sheet", player2: null };
    if (kind === "save") return { player: "on-pitch", player2: "on-pitch", second: "shooter" };
    if (GOALS.includes(kind)) return { player: "on-pitch", player2: kind === "own_goal" ? null : "on-pitch", second: "assist" };
    if (["chance", "woodwork"].includes(kind)) return { player: "on-pitch", player2: "on-pitch", second: "assist" };
    if (["commentary"].includes(kind)) return { player: null, player2: null };
    return { player: "on-pitch", player2: null };
  }
  // the words come from the page, in the editor's language (data-label-* on the composer)
  const label = (name) => composer().dataset[`label${name[0].toUpperCase()}${name.slice(1)}`] || name;

  function composer() { return document.getElementById("composer"); }

  function fitToKind() {
    const form = composer();
    if (!form) return;
    const kind = form.elements.kind.value;
    const p = pickers(kind);
    // a field with an error is never hidden: the editor must see what to mend
    const show = (name, wanted) => {
      const box = form.querySelector(`[data-field="${name}"]`);
      if (box) box.hidden = !wanted && !box.querySelector(".composer__error");
    };
    for (const name of ["player", "player2"]) {
      show(name, p[name]);
      if (p[name]) form.elements[name].setAttribute("list", `players-${p[name]}`);
    }
    const second = form.querySelector('[data-label-for="player2"]');
    if (second && p.second) second.textContent = label(p.second);
    const first = form.querySelector('[data-label-for="player"]');
    if (first) first.textContent = label(kind === "substitution" ? "off" : kind === "save" ? "keeper" : "player");
    show("var_outcome", kind === "var_check");
    show("overturns", kind === "var_check" && OVERTURNING.includes(form.elements.var_outcome.value));
  }
  const OVERTURNING = ["goal_overturned", "red_card_overturned"];
  // the kind is a group of radio buttons: its element to focus is the chosen one
  const kindInput = (form) => form.querySelector('[name="kind"]:checked') || form.querySelector('[name="kind"]');

  desk.addEventListener("change", (event) => {
    if (["kind", "var_outcome"].includes(event.target.name) && event.target.form?.id === "composer") fitToKind();
  });
  desk.addEventListener("keydown", (event) => {
    const form = event.target.form;
    if (!form || form.id !== "composer") return;
    const submit = (event.key === "Enter" && event.target.name === "kind") ||
      (event.key === "Enter" && (event.ctrlKey || event.metaKey) && event.target.name === "text");
    if (submit) { event.preventDefault(); form.requestSubmit(); }
  });
  desk.addEventListener("click", (event) => {
    if (event.target.closest("[data-close-dialog]")) document.getElementById("edit-dialog").close();
  });

  // The composer comes back from the server after each publish: fit it and put the cursor in the kind.
  desk.addEventListener("htmx:afterSwap", (event) => {
    if (event.target.id === "composer" || event.detail.target?.id === "composer") {
      fitToKind();
      const form = composer();
      focusFirstError(form) || kindInput(form).focus();
    }
    if (event.detail.target?.id === "edit-dialog-body") {
      const dialog = document.getElementById("edit-dialog");
      if (!dialog.open) dialog.showModal();
      const form = dialog.querySelector("form");
      if (form) focusFirstError(form);
    }
  });
  // The first field with an error gets the focus (a screen reader reads its message: role=alert).
  function focusFirstError(form) {
    const error = form.querySelector(".composer__error, .errornote");
    if (!error) return false;
    const box = error.closest("[data-field]");
    const input = box && (box.querySelector("input:checked") || box.querySelector("input,select,textarea"));
    (input || error).focus?.();
    if (!input) { error.tabIndex = -1; error.focus(); }
    return true;
  }
  document.body.addEventListener("entry-saved", () => document.getElementById("edit-dialog").close());

  // A request that failed (the server or its database away): nothing was swapped, so the composer still holds
  // what the editor typed; say what happened where the desk's messages go.
  function failed(event) {
    const box = document.getElementById("desk-messages");
    const xhr = event.detail.xhr;
    const text = xhr && xhr.status && xhr.responseText && xhr.getResponseHeader("Content-Type")?.startsWith("text/plain")
      ? xhr.responseText : box.dataset.offline;
    box.replaceChildren(Object.assign(document.createElement("p"), {
      className: "desk-message desk-message--error", role: "alert", textContent: text,
    }));
  }
  document.body.addEventListener("htmx:responseError", failed);
  document.body.addEventListener("htmx:sendError", failed);

  // Tools on each entry of the feed, also on entries that arrive through the socket.
  const tools = document.getElementById("entry-tools");
  function decorate() {
    document.querySelectorAll("#feed article.entry").forEach((article) => {
      if (article.querySelector(".desk-tools")) return;
      const pk = article.id.replace("entry-", "");
      const box = tools.content.firstElementChild.cloneNode(true);
      box.querySelectorAll("[data-hx-get],[data-hx-post]").forEach((button) => {
        for (const attr of ["data-hx-get", "data-hx-post"]) {
          if (button.hasAttribute(attr)) button.setAttribute(attr, button.getAttribute(attr).replace("__pk__", pk));
        }
      });
      const goal = GOALS.includes(article.dataset.kind) && !article.classList.contains("entry--overturned");
      if (!goal) box.querySelector("[data-goal-only]").remove();
      article.querySelector(".entry__body").appendChild(box);
      htmx.process(box);
    });
  }
  // After any update: new tools, and fresh clock buttons and pickers (another editor may have moved on).
  let refresh = null;
  const live = desk.querySelector("[data-live]");
  live.addEventListener("htmx:wsAfterMessage", () => {
    decorate();
    clearTimeout(refresh);
    refresh = setTimeout(() => htmx.trigger("#desk-state", "refresh"), 150);
  });
  decorate();
  fitToKind();

  // Minute fields follow the match clock until the editor types in them.
  desk.addEventListener("input", (event) => {
    if (["minute", "added_minute"].includes(event.target.name)) event.target.dataset.touched = "1";
  });
  const PERIODS = { first_half: [0, 45], second_half: [45, 90], extra_first_half: [90, 105], extra_second_half: [105, 120] };
  setInterval(() => {
    const board = document.getElementById("scoreboard");
    const form = composer();
    const period = board && PERIODS[board.dataset.status];
    if (!form || !period || !board.dataset.periodStart) return;
    const speed = Number(board.dataset.clockSpeed || 1);
    const elapsed = Math.max(0, Math.floor(((Date.now() / 1000 - Number(board.dataset.periodStart)) * speed) / 60));
    const minute = period[0] + elapsed + 1;
    if (!form.elements.minute.dataset.touched) form.elements.minute.value = Math.min(minute, period[1]);
    if (!form.elements.added_minute.dataset.touched) form.elements.added_minute.value = Math.max(0, minute - period[1]);
  }, 5000);
})();
