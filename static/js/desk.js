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
    show("options", kind === "poll");
    show("overturns", kind === "var_check" && OVERTURNING.includes(form.elements.var_outcome.value));
  }
  const OVERTURNING = ["goal_overturned", "red_card_overturned"];
  // the kind is a group of radio buttons: its element to focus is the chosen one
  const kindInput = (form) => form.querySelector('[name="kind"]:checked') || form.querySelector('[name="kind"]');

  desk.addEventListener("change", (event) => {
    if (["kind", "var_outcome"].includes(event.target.name) && event.target.form?.id === "composer") fitToKind();
    if (event.target.name === "picture") checkSize(event.target);
  });
  // A photo over the limit is refused here, before it travels (the server refuses it too)
  function checkSize(input) {
    const file = input.files && input.files[0];
    if (!file || file.size <= Number(input.dataset.maxBytes)) return true;
    input.value = "";
    const box = document.getElementById("desk-messages");
    box.replaceChildren(Object.assign(document.createElement("p"), {
      className: "desk-message desk-message--error", role: "alert",
      textContent: box.dataset.tooBig.replace("%s", Math.round(file.size / 1048576)),
    }));
    return false;
  }
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

  // Typed text is never lost. The composer's text is kept in this browser as it is typed (and whenever the
  // tab is hidden or the network goes), and comes back after a reload or a crash. A publish in flight sends
  // what the text said then; what is typed meanwhile stays in the composer that comes back.
  const draftKey = () => `diretta.desk.draft:${composer().getAttribute("action")}`;
  let sentText = null;
  let typedText = null;
  function keepDraft() {
    const form = composer();
    if (!form) return;
    try {
      if (form.elements.text.value.trim()) localStorage.setItem(draftKey(), JSON.stringify({ text: form.elements.text.value, at: Date.now() }));
      else localStorage.removeItem(draftKey());
    } catch (error) { /* storage full or off: the text is still in the page */ }
  }
  function restoreDraft() {
    const form = composer();
    if (!form || form.elements.text.value.trim()) return;
    let saved = null;
    try { saved = JSON.parse(localStorage.getItem(draftKey())); } catch (error) { return; }
    if (!saved || !saved.text || Date.now() - saved.at > 86400000) return;
    form.elements.text.value = saved.text;
    const note = document.getElementById("desk-messages");
    note.replaceChildren(Object.assign(document.createElement("p"), {
      className: "desk-message", role: "status", textContent: note.dataset.recovered,
    }));
  }
  let typing = null;
  desk.addEventListener("input", (event) => {
    if (event.target.form?.id !== "composer" || event.target.name !== "text") return;
    clearTimeout(typing);
    typing = setTimeout(keepDraft, 500);
  });
  setInterval(keepDraft, 5000);
  window.addEventListener("offline", keepDraft);
  window.addEventListener("pagehide", keepDraft);
  document.addEventListener("visibilitychange", () => { if (document.hidden) keepDraft(); });
  desk.addEventListener("htmx:beforeRequest", (event) => {
    if (event.detail.elt.closest?.("#composer")) sentText = composer().elements.text.value;
    // the drafts' queue refreshes itself, but not under the hands of an editor who is using it
    if (event.detail.elt.id === "desk-drafts" && event.detail.elt.contains(document.activeElement)) event.preventDefault();
  });
  desk.addEventListener("htmx:beforeSwap", (event) => {
    if (event.detail.target?.id === "composer") typedText = composer().elements.text.value;
  });

  // A shot's position: the tap on the desk's pitch (the home side attacks to the right), as 0–100 towards the
  // goal the chosen side attacks and 0–100 across
  desk.addEventListener("click", (event) => {
    const pitch = event.target.closest("[data-shot-pitch]");
    if (!pitch) return;
    const form = pitch.closest("form");
    const point = pitch.createSVGPoint();
    point.x = event.clientX; point.y = event.clientY;
    const at = point.matrixTransform(pitch.getScreenCTM().inverse());
    const x = Math.max(0, Math.min(100, Math.round(at.x)));
    const y = Math.max(0, Math.min(100, Math.round((at.y / 64) * 100)));
    const home = form.elements.team.value === "home";
    form.elements.x.value = String(home ? x : 100 - x);
    form.elements.y.value = String(y);
    const mark = pitch.querySelector("[data-shot-mark]");
    mark.setAttribute("cx", String(x)); mark.setAttribute("cy", String(at.y)); mark.setAttribute("visibility", "visible");
  });

  // One more photo: a copy of the photo's fields, empty, with ids of its own
  desk.addEventListener("click", (event) => {
    const add = event.target.closest("[data-add-photo]");
    if (!add) return;
    const groups = add.parentElement.querySelectorAll("[data-photo]");
    if (groups.length >= 6) return;
    const copy = groups[groups.length - 1].cloneNode(true);
    const n = groups.length + 1;
    copy.querySelectorAll(".composer__error").forEach((error) => error.remove());
    copy.querySelectorAll("input").forEach((input) => { input.value = ""; input.id = `${input.id.replace(/-\d+$/, "")}-${n}`; });
    copy.querySelectorAll("label").forEach((label) => { label.htmlFor = `${label.htmlFor.replace(/-\d+$/, "")}-${n}`; });
    add.before(copy);
    copy.querySelector("input[type=file]").focus();
  });

  // A photo pasted or dropped on the composer goes into its file field, as if chosen with the button.
  function takePicture(files) {
    const form = composer();
    const picture = Array.from(files || []).find((file) => file.type.startsWith("image/"));
    if (!form || !picture) return false;
    const transfer = new DataTransfer();
    transfer.items.add(picture);
    // the first photo's field still empty, or a new one
    let input = Array.from(form.querySelectorAll("[data-photo] input[type=file]")).find((field) => !field.files.length);
    if (!input) { form.querySelector("[data-add-photo]").click(); input = Array.from(form.querySelectorAll("[data-photo] input[type=file]")).pop(); }
    input.files = transfer.files;
    if (!checkSize(input)) return true;
    form.querySelector(".composer__picture").open = true;
    input.closest("[data-photo]").querySelector("input[name=alt]").focus();
    return true;
  }
  desk.addEventListener("paste", (event) => {
    if (event.target.form?.id === "composer" && takePicture(event.clipboardData?.files)) event.preventDefault();
  });
  desk.addEventListener("dragover", (event) => { if (event.target.closest("#composer")) event.preventDefault(); });
  desk.addEventListener("drop", (event) => {
    if (event.target.closest("#composer") && takePicture(event.dataTransfer?.files)) event.preventDefault();
  });

  // The composer comes back from the server after each publish: fit it and put the cursor in the kind.
  desk.addEventListener("htmx:afterSwap", (event) => {
    if (event.target.id === "composer" || event.detail.target?.id === "composer") {
      fitToKind();
      const form = composer();
      if (typedText !== null && sentText !== null) {
        const published = !!form.querySelector(".composer__ok");
        // published: what was typed after the send stays; refused: the longer of the two texts stays
        const rest = published
          ? (typedText.startsWith(sentText) ? typedText.slice(sentText.length) : typedText === sentText ? "" : typedText).trim()
          : typedText.length > form.elements.text.value.length ? typedText : form.elements.text.value;
        form.elements.text.value = rest;
      }
      typedText = sentText = null;
      keepDraft();
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
    htmx.trigger(document.body, "drafts-changed");   // the queue: proposals come through the match's updates
    decorate();
    clearTimeout(refresh);
    refresh = setTimeout(() => htmx.trigger("#desk-state", "refresh"), 150);
  });
  decorate();
  fitToKind();
  restoreDraft();

  // Minute fields follow the match clock until the editor types in them.
  desk.addEventListener("input", (event) => {
    if (["minute", "added_minute"].includes(event.target.name)) event.target.dataset.touched = "1";
  });
  setInterval(() => {
    const form = composer();
    const time = window.DirettaClock && window.DirettaClock.now(document.getElementById("scoreboard"));
    if (!form || !time) return;
    if (!form.elements.minute.dataset.touched) form.elements.minute.value = time.minute;
    if (!form.elements.added_minute.dataset.touched) form.elements.added_minute.value = time.added;
  }, 5000);
})();
