// Attention without an app: follow a match (kept in this browser, no account), goal alerts through the
// browser's Notification API (asked for only after a click), a toast for a goal in another followed match,
// and, while the tab is hidden, the count of new updates on the tab's icon. live.js and ticker.js tell it
// what happened with two events: "diretta:goal" {match, text, url} and "diretta:count" {count}.
(function () {
  "use strict";
  const KEY = "diretta.followed";       // {"<match id>": {title, url, seq, added}}
  const ALERTS = "diretta.alerts";      // "on" once the reader asked for goal alerts
  const KEEP_DAYS = 3;
  const page = document.querySelector("[data-follow-match]");   // a match page: {id, title, url}
  const toasts = document.getElementById("toasts");

  function load() {
    try { return JSON.parse(localStorage.getItem(KEY)) || {}; } catch (error) { return {}; }
  }
  function save(followed) {
    try { localStorage.setItem(KEY, JSON.stringify(followed)); } catch (error) { /* storage full or off */ }
  }
  const followed = load();
  const old = Date.now() - KEEP_DAYS * 86400000;
  Object.keys(followed).forEach((id) => { if (!(followed[id].added > old)) delete followed[id]; });
  save(followed);

  // -- the buttons of a match page: follow, and goal alerts
  const followButton = document.getElementById("follow");
  const alertsButton = document.getElementById("alerts");
  function paint() {
    if (followButton) {
      const on = !!followed[page.dataset.followMatch];
      followButton.setAttribute("aria-pressed", on ? "true" : "false");
      followButton.textContent = on ? followButton.dataset.on : followButton.dataset.off;
    }
    if (alertsButton) {
      const supported = "Notification" in window;
      alertsButton.hidden = !supported;
      const on = supported && Notification.permission === "granted" && localStorage.getItem(ALERTS) === "on";
      alertsButton.setAttribute("aria-pressed", on ? "true" : "false");
      alertsButton.textContent = on ? alertsButton.dataset.on : alertsButton.dataset.off;
    }
  }
  if (followButton) {
    followButton.hidden = false;
    followButton.addEventListener("click", () => {
      const id = page.dataset.followMatch;
      if (followed[id]) delete followed[id];
      else followed[id] = { title: page.dataset.followTitle, url: page.dataset.followUrl, seq: 0, added: Date.now() };
      save(followed);
      paint();
    });
  }
  if (alertsButton) {
    alertsButton.addEventListener("click", async () => {
      if (localStorage.getItem(ALERTS) === "on" && Notification.permission === "granted") {
        localStorage.removeItem(ALERTS);
      } else if ((await Notification.requestPermission()) === "granted") {
        localStorage.setItem(ALERTS, "on");
        if (followButton && !followed[page.dataset.followMatch]) followButton.click();
      }
      paint();
    });
  }
  paint();

  // -- a goal somewhere: an alert while the tab is hidden, a toast for another followed match
  document.addEventListener("diretta:goal", (event) => {
    const { match, text, url } = event.detail;
    const own = page && page.dataset.followMatch === String(match);
    if (!own && !followed[match]) return;
    if (document.hidden && localStorage.getItem(ALERTS) === "on" && "Notification" in window && Notification.permission === "granted") {
      new Notification(text, { tag: `goal-${match}`, icon: document.querySelector("link[rel=icon]").dataset.plain });
    } else if (!own && toasts) {
      toast(text, url);
    }
  });

  function toast(text, url) {
    const item = document.createElement("p");
    item.className = "toast";
    item.setAttribute("role", "status");
    const link = document.createElement("a");
    link.href = url;
    link.textContent = `${toasts.dataset.goal} ${text}`;
    item.append(link);
    toasts.append(item);
    setTimeout(() => item.remove(), 10000);
  }

  // -- the tab's icon: the count of new updates while the reader looks elsewhere
  const icon = document.querySelector("link[rel=icon]");
  if (icon) icon.dataset.plain = icon.dataset.plain || icon.href;
  document.addEventListener("diretta:count", (event) => {
    const count = event.detail.count;
    if (!icon) return;
    if (!count) { icon.href = icon.dataset.plain; return; }
    const label = count > 99 ? "99+" : String(count);
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><circle cx="16" cy="16" r="16" fill="#d0112b"/>` +
      `<text x="16" y="22" font-family="sans-serif" font-size="${label.length > 2 ? 12 : 17}" font-weight="700" fill="#fff" text-anchor="middle">${label}</text></svg>`;
    icon.href = `data:image/svg+xml,${encodeURIComponent(svg)}`;
  });

  // -- on a match page, the other followed matches over a socket of their own: their goals as toasts
  if (!page || document.querySelector("[data-ticker]")) return;
  const others = Object.keys(followed).filter((id) => id !== page.dataset.followMatch).slice(0, 40);
  if (!others.length) return;
  const FINAL = [1003, 1009, 4003, 4009, 4400, 4404, 4429];
  let retry = 0;
  function open() {
    const since = Object.fromEntries(others.map((id) => [id, followed[id].seq || 0]));
    const socket = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws/ticker/`);
    const opened = Date.now();
    socket.addEventListener("open", () => { retry = 0; socket.send(JSON.stringify({ since })); });
    socket.addEventListener("message", (event) => {
      const match = /data-match="(\d+)"/.exec(event.data);
      const seq = /data-seq="(\d+)"/.exec(event.data);
      if (!match || !seq || !followed[match[1]] || Number(seq[1]) <= (followed[match[1]].seq || 0)) return;
      followed[match[1]].seq = Number(seq[1]);
      save(followed);
      // a goal as it happens, not one caught up from before this page opened
      if (/match-card--goal/.test(event.data) && Date.now() - opened > 3000) {
        const card = document.createElement("template");
        card.innerHTML = event.data;
        const teams = card.content.querySelector(".match-card__teams");
        const text = teams ? teams.textContent.replace(/\s+/g, " ").trim() : followed[match[1]].title;
        document.dispatchEvent(new CustomEvent("diretta:goal", { detail: { match: match[1], text, url: followed[match[1]].url } }));
      }
    });
    socket.addEventListener("close", (event) => {
      if (FINAL.includes(event.code)) return;
      retry += 1;
      setTimeout(open, Math.min(500 * 2 ** retry, 30000) * (0.5 + Math.random() / 2));
    });
  }
  open();
})();
