// A page that follows many matches over one socket (home, round): keeps each match's update number, asks
// for what it missed, puts the round blog's lines in order of time, keeps the newest live table, tells
// follow.js of a goal. htmx's ws extension keeps the socket (reconnects with back-off); the contract is
// docs/PROTOCOL.md.
(function () {
  "use strict";
  const bar = document.querySelector("[data-ticker]");
  if (!bar || !window.htmx) return;

  const FINAL_CODES = [1003, 1009, 4003, 4009, 4400, 4404, 4429];
  const HTMX_RECONNECTS = [1006, 1011, 1012, 1013];
  const status = document.getElementById("live-status");
  const announcer = document.getElementById("announcer");
  const seqs = JSON.parse(bar.dataset.ticker);   // {"<match id>": number of the last update applied}
  let socket = null;
  let unseen = 0;                   // frames that came while the tab was hidden
  const baseTitle = document.title;
  function showTitle() {
    document.title = unseen ? `(${unseen}) ${baseTitle}` : baseTitle;
    document.dispatchEvent(new CustomEvent("diretta:count", { detail: { count: unseen } }));
  }
  document.addEventListener("visibilitychange", () => { if (!document.hidden && unseen) { unseen = 0; showTitle(); } });

  htmx.config.wsReconnectDelay = (retry) => Math.min(500 * 2 ** retry, 8000) * (0.5 + Math.random() / 2);

  function setState(state) {
    status.dataset.state = state;
    status.textContent = status.dataset[state] || state;
  }
  bar.addEventListener("htmx:wsConnecting", () => { if (status.dataset.state !== "live") setState("reconnecting"); });
  bar.addEventListener("htmx:wsOpen", (event) => {
    socket = event.detail.socketWrapper;
    socket.send(JSON.stringify({ since: seqs }));
    setState("live");
  });
  bar.addEventListener("htmx:wsClose", (event) => {
    const code = event.detail.event.code;
    if (FINAL_CODES.includes(code)) { setState("stopped"); return; }
    setState("reconnecting");
    if (!HTMX_RECONNECTS.includes(code) && socket) setTimeout(() => socket.reconnect(), 500 + Math.random() * 1500);
  });
  window.addEventListener("online", () => { if (socket && status.dataset.state !== "live") socket.reconnect(); });

  // Each frame is applied here rather than by htmx: an element whose target this page does not have (the
  // home page has no round blog, no live table) is skipped instead of logged as an error.
  bar.addEventListener("htmx:wsBeforeMessage", (event) => {
    event.preventDefault();
    const message = event.detail.message;
    const match = /data-match="(\d+)"/.exec(message);
    const seq = /data-seq="(\d+)"/.exec(message);
    if (!match || !seq) return;
    const id = match[1];
    const number = Number(seq[1]);
    const resync = /data-resync/.test(message);
    // the numbers of one match rise; only the updates that change what this page shows are sent
    if (!resync && number <= (seqs[id] || 0)) return;
    const fragment = document.createElement("template");
    fragment.innerHTML = message;
    const blog = document.getElementById("round-blog");
    if (resync && blog) blog.querySelectorAll(`[data-match="${id}"]`).forEach((line) => line.remove());
    for (const element of Array.from(fragment.content.children)) {
      const how = element.getAttribute("hx-swap-oob");
      element.removeAttribute("hx-swap-oob");
      const target = element.id && document.getElementById(element.id);
      if (how === "delete") { if (target) target.remove(); continue; }
      if (element.id === "live-table" && target && Number(element.dataset.version) < Number(target.dataset.version || 0)) continue;
      if (target) target.replaceWith(element);
      else if (blog && element.classList.contains("key-line")) place(blog, element);
    }
    seqs[id] = number;
    if (document.hidden && !resync) { unseen += 1; showTitle(); }
    const empty = document.getElementById("round-blog-empty");
    if (empty) empty.hidden = !!(blog && blog.querySelector("li"));
    const card = document.getElementById(`card-${id}`);
    if (!resync && card && card.classList.contains("match-card--goal")) {
      const text = card.querySelector(".match-card__teams").textContent.replace(/\s+/g, " ").trim();
      if (!blog) announcer.textContent = text;   // where there is a blog, its new line said it all
      document.dispatchEvent(new CustomEvent("diretta:goal", { detail: { match: id, text, url: card.href } }));
    }
  });

  // A line goes where its time puts it (newest first), whichever match's frame came first.
  function place(blog, line) {
    const at = Number(line.dataset.at);
    const after = Array.from(blog.children).find((other) => Number(other.dataset.at) < at);
    blog.insertBefore(line, after || null);
    announcer.textContent = line.textContent.replace(/\s+/g, " ").trim().slice(0, 300);
  }
})();
