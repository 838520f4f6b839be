// Diretta live page: keeps the update number, asks the server for what it missed, and makes new entries
// arrive without moving what the reader is looking at. The frames themselves are swapped by htmx
// (ws extension, out-of-band swaps); the contract is docs/PROTOCOL.md.
(function () {
  "use strict";
  const live = document.querySelector("[data-live]");
  if (!live || !window.htmx) return;

  const FINAL_CODES = [1003, 1009, 4003, 4009, 4400, 4404, 4429];   // the server will not take this client back
  const HTMX_RECONNECTS = [1006, 1011, 1012, 1013];    // the ws extension reconnects from these itself
  const status = document.getElementById("live-status");
  const announcer = document.getElementById("announcer");
  const moreButton = document.getElementById("new-updates");
  let baseTitle = document.title;
  const feed = () => document.getElementById("feed");
  const order = feed().dataset.order;
  const filter = feed().dataset.filter;
  let seq = Number(feed().dataset.seq || 0);
  let incoming = null;     // number of the frame being applied
  let incomingResync = false;
  let socket = null;
  let pending = [];        // new entries held back while the reader is further down the page
  let unseen = 0;          // new entries that came while the tab was hidden
  let incomingGoal = false;
  const followed = document.querySelector("[data-follow-match]");   // the match page (not the desk, not an embed)
  const GOALS = ["goal", "penalty_goal", "own_goal"];

  // The tab's title (and, through follow.js, its icon) count what the reader has not seen yet.
  function showTitle() {
    const count = pending.length + unseen;
    document.title = count ? `(${count}) ${baseTitle}` : baseTitle;
    document.dispatchEvent(new CustomEvent("diretta:count", { detail: { count } }));
  }
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden && unseen) { unseen = 0; showTitle(); }
  });

  // Back quickly after a restart, with jitter so thousands of pages do not reconnect in the same instant.
  htmx.config.wsReconnectDelay = (retry) => Math.min(500 * 2 ** retry, 8000) * (0.5 + Math.random() / 2);

  // "In diretta" only while the match is being played; connected before or after it, the words say so.
  function setState(state) {
    const board = document.getElementById("scoreboard");
    const playing = !board || board.dataset.liveStatus === "1";
    status.dataset.state = state;
    status.textContent = (state === "live" && !playing ? status.dataset.connected : status.dataset[state]) || state;
  }

  live.addEventListener("htmx:wsConnecting", () => { if (status.dataset.state !== "live") setState("reconnecting"); });
  live.addEventListener("htmx:wsOpen", (event) => {
    socket = event.detail.socketWrapper;
    socket.send(JSON.stringify({ since: seq }));
    setState("live");
  });
  live.addEventListener("htmx:wsClose", (event) => {
    const code = event.detail.event.code;
    if (FINAL_CODES.includes(code)) { setState("stopped"); return; }
    setState("reconnecting");
    // 1000/1001/1005 (a proxy, a server's idle timeout, a graceful shutdown): come back all the same.
    if (!HTMX_RECONNECTS.includes(code) && socket) {
      setTimeout(() => socket.reconnect(), 500 + Math.random() * 1500);
    }
  });
  window.addEventListener("offline", () => setState("reconnecting"));
  window.addEventListener("online", () => { if (socket && status.dataset.state !== "live") socket.reconnect(); });

  live.addEventListener("htmx:wsBeforeMessage", (event) => {
    const message = event.detail.message;
    const match = /data-seq="(\d+)"/.exec(message);
    const number = match ? Number(match[1]) : 0;
    const resync = /^<div id="feed"/.test(message);
    if (!resync && number <= seq) { event.preventDefault(); return; }          // already applied
    if (!resync && number > seq + 1) {                                        // a gap: ask again
      event.preventDefault();
      socket.send(JSON.stringify({ since: seq }));
      return;
    }
    incoming = number;
    incomingResync = resync;
  });
  live.addEventListener("htmx:wsAfterMessage", () => {
    if (incoming === null) return;
    seq = incoming;
    incoming = null;
    feed().dataset.seq = String(seq);
    const board = document.getElementById("scoreboard");   // the tab's title follows the score and status
    if (board && board.dataset.title && board.dataset.title !== baseTitle) baseTitle = board.dataset.title;
    showTitle();
    if (incomingGoal && followed && !incomingResync) {
      document.dispatchEvent(new CustomEvent("diretta:goal", {
        detail: { match: followed.dataset.followMatch, text: baseTitle.split(" · ")[0], url: location.pathname },
      }));
    }
    incomingGoal = false;
    if (status.dataset.state === "live") setState("live");
    if (incomingResync) {   // a resync frame is the whole feed as it comes for everyone: newest first, unfiltered
      const f = feed();
      f.dataset.order = order;
      if (filter) f.dataset.filter = filter;
      if (order === "oldest") Array.from(f.children).reverse().forEach((child) => f.appendChild(child));
    }
  });

  // New entries: insert them ourselves, at the top or the bottom as the reader chose, never twice.
  document.body.addEventListener("htmx:oobBeforeSwap", (event) => {
    if (event.detail.target.id === "live-table" && olderTable(event.detail.fragment.firstElementChild)) {
      event.detail.shouldSwap = false;
      return;
    }
    // A publish frame is a wrapper around one <article>; a resync frame (a whole #feed) is left to htmx.
    const article = event.detail.target.id === "feed" && event.detail.fragment.firstElementChild;
    if (!article || article.tagName !== "ARTICLE") return;
    event.detail.shouldSwap = false;
    const existing = document.getElementById(article.id);
    if (existing) { existing.replaceWith(article); return; }
    const empty = document.getElementById("feed-empty");
    if (empty) empty.remove();
    if (document.hidden) unseen += 1;
    if (GOALS.includes(article.dataset.kind)) incomingGoal = true;
    if (order === "oldest") {
      feed().append(article);
    } else {
      feed().prepend(article);
      if (readerIsAway()) hold(article);
    }
    announce(article);
  });

  function readerIsAway() {
    return feed().getBoundingClientRect().top < 0;
  }

  function hold(article) {
    article.hidden = true;
    pending.push(article);
    moreButton.hidden = false;
    moreButton.textContent = (pending.length === 1 ? moreButton.dataset.one : moreButton.dataset.many)
      .replace("%s", pending.length);
    showTitle();
  }

  function release(scroll) {
    pending.forEach((article) => { article.hidden = false; });
    pending = [];
    moreButton.hidden = true;
    showTitle();
    if (scroll) feed().scrollIntoView({ block: "start" });
  }

  moreButton.addEventListener("click", () => release(true));
  window.addEventListener("scroll", () => { if (pending.length && !readerIsAway()) release(false); }, { passive: true });

  function announce(article) {
    const part = (selector) => (article.querySelector(selector)?.textContent || "").trim();
    const text = [part(".entry__minute"), part(".entry__label"), part(".entry__headline"), part(".entry__text")]
      .filter(Boolean).join(" — ");
    announcer.textContent = text.slice(0, 300);
  }

  // The live table of a league match moves with every goal of its round: this match's frames carry it, and
  // while the reader has the panel open a socket of its own follows the round's other matches (their
  // ticker frames: only the table is taken). Two tables: the one with the higher version is the newer.
  function olderTable(incomingTable) {
    const shown = document.getElementById("live-table");
    return !!(incomingTable && shown && Number(incomingTable.dataset.version) < Number(shown.dataset.version || 0));
  }
  const tablePanel = document.querySelector("details[data-round]");
  let roundSocket = null;
  let roundRetry = 0;
  function followRound() {
    const since = JSON.parse(tablePanel.dataset.round);
    roundSocket = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws/ticker/`);
    const socket = roundSocket;
    socket.addEventListener("open", () => { roundRetry = 0; socket.send(JSON.stringify({ since })); });
    socket.addEventListener("message", (event) => {
      const match = /data-match="(\d+)"/.exec(event.data);
      const number = /data-seq="(\d+)"/.exec(event.data);
      if (!match || !number) return;
      since[match[1]] = Math.max(since[match[1]] || 0, Number(number[1]));
      tablePanel.dataset.round = JSON.stringify(since);
      const frame = document.createElement("template");
      frame.innerHTML = event.data;
      const table = frame.content.getElementById("live-table");
      const shown = document.getElementById("live-table");
      if (!table || !shown || olderTable(table)) return;
      table.removeAttribute("hx-swap-oob");
      shown.replaceWith(table);
    });
    socket.addEventListener("close", (event) => {
      if (socket !== roundSocket || !tablePanel.open || FINAL_CODES.includes(event.code)) return;
      roundRetry += 1;
      setTimeout(() => { if (tablePanel.open && socket === roundSocket) followRound(); },
        Math.min(500 * 2 ** roundRetry, 8000) * (0.5 + Math.random() / 2));
    });
  }
  if (tablePanel) {
    tablePanel.addEventListener("toggle", () => {
      if (tablePanel.open && !roundSocket) followRound();
      else if (!tablePanel.open && roundSocket) { const socket = roundSocket; roundSocket = null; socket.close(); }
    });
  }
})();
