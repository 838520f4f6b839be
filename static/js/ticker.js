// A page that follows many matches over one socket (home, round): keeps each match's update number, asks
// for what it missed, puts the round blog's lines in order of time, keeps the newest live table. The frames
// are swapped by htmx (ws extension, out-of-band swaps); the contract is docs/PROTOCOL.md.
(function () {
  "use strict";
  const bar = document.querySelector("[data-ticker]");
  if (!bar || !window.htmx) return;

  const FINAL_CODES = [1003, 1009, 4003, 4009, 4400, 4404, 4429];
  const HTMX_RECONNECTS = [1006, 1011, 1012, 1013];
  const status = document.getElementById("live-status");
  const announcer = document.getElementById("announcer");
  const seqs = JSON.parse(bar.dataset.ticker);   // {"<match id>": number of the last update applied}
  let incoming = null;
  let socket = null;

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

  bar.addEventListener("htmx:wsBeforeMessage", (event) => {
    const message = event.detail.message;
    const match = /data-match="(\d+)"/.exec(message);
    const seq = /data-seq="(\d+)"/.exec(message);
    if (!match || !seq) { event.preventDefault(); return; }
    const id = match[1];
    const number = Number(seq[1]);
    const resync = /data-resync/.test(message);
    // the numbers of one match rise; only the updates that change what this page shows are sent
    if (!resync && number <= (seqs[id] || 0)) { event.preventDefault(); return; }
    const fragment = document.createElement("template");
    fragment.innerHTML = message;
    const blog = document.getElementById("round-blog");
    if (resync && blog) blog.querySelectorAll(`[data-match="${id}"]`).forEach((line) => line.remove());
    if (blog) fragment.content.querySelectorAll("li.key-line").forEach((line) => place(blog, line));
    incoming = [id, number];
  });
  bar.addEventListener("htmx:wsAfterMessage", () => {
    if (incoming === null) return;
    seqs[incoming[0]] = incoming[1];
    incoming = null;
    const empty = document.getElementById("round-blog-empty");
    if (empty) empty.hidden = !!document.querySelector("#round-blog li");
  });

  // A line goes where its time puts it (newest first), whichever match's frame came first: an empty
  // placeholder with its id, which htmx then swaps.
  function place(blog, line) {
    if (document.getElementById(line.id)) return;
    const at = Number(line.dataset.at);
    const placeholder = document.createElement("li");
    placeholder.id = line.id;
    placeholder.dataset.at = line.dataset.at;
    const after = Array.from(blog.children).find((other) => Number(other.dataset.at) < at);
    blog.insertBefore(placeholder, after || null);
    const text = line.textContent.replace(/\s+/g, " ").trim();
    announcer.textContent = text.slice(0, 300);
  }

  // Two matches scoring at once: their tables may come in either order; the newer (higher version) stays.
  document.body.addEventListener("htmx:oobBeforeSwap", (event) => {
    const incomingTable = event.detail.fragment.firstElementChild || event.detail.fragment;
    if (event.detail.target.id !== "live-table" || !incomingTable.dataset) return;
    if (Number(incomingTable.dataset.version) < Number(event.detail.target.dataset.version || 0)) {
      event.detail.shouldSwap = false;
    }
  });
})();
