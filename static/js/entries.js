// The entries of a match page, wherever they came from (the page, the socket):
// - a permalink to an entry older than the page opens with (#entry-N, newest first) asks the page for the
//   entries down to it (?entry=N); the browser then scrolls to it;
// - a card for a post or a clip from another site loads that site's player only when the reader clicks.
(function () {
  "use strict";
  const wanted = /^#entry-(\d+)$/.exec(location.hash);
  if (wanted && !document.getElementById(`entry-${wanted[1]}`) && document.querySelector("#feed .feed__older")) {
    const url = new URL(location.href);
    if (url.searchParams.get("entry") !== wanted[1]) {
      url.searchParams.set("entry", wanted[1]);
      location.replace(url.toString());
    }
  }

  // Share the match, or one entry: the system's share sheet where there is one, else the link copied.
  const canShare = !!(navigator.share || navigator.clipboard);
  const reveal = () => { if (canShare) document.querySelectorAll("[data-share][hidden]").forEach((b) => { b.hidden = false; }); };
  reveal();
  new MutationObserver(reveal).observe(document.getElementById("feed") || document.body, { childList: true, subtree: true });
  document.addEventListener("click", async (event) => {
    const share = event.target.closest("[data-share]");
    if (!share) return;
    const article = share.hasAttribute("data-share-page") ? null : share.closest("article");
    const url = `${location.origin}${location.pathname}${article ? `#${article.id.replace(/^pinned-/, "")}` : ""}`;
    const title = document.title;
    try {
      if (navigator.share) { await navigator.share({ title, url }); return; }
      await navigator.clipboard.writeText(url);
      const status = document.getElementById("share-status");
      if (status) status.textContent = status.dataset.copied;
      share.dataset.copied = "1";
    } catch (error) { /* the reader closed the share sheet */ }
  });

  // A refused vote (already voted, too many, out of range) is an answer to show, not a failure
  document.body.addEventListener("htmx:beforeSwap", (event) => {
    if (event.detail.elt.closest?.("[data-vote]") && event.detail.xhr.status >= 400 && event.detail.xhr.status < 500) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.addEventListener("click", (event) => {
    const button = event.target.closest(".embed__load");
    const card = button && button.closest("[data-embed-src]");
    if (!card) return;
    const frame = document.createElement("iframe");
    frame.src = card.dataset.embedSrc;
    frame.title = card.dataset.embedTitle;
    frame.className = "embed__frame";
    frame.loading = "lazy";
    frame.allow = "encrypted-media; picture-in-picture; fullscreen";
    frame.referrerPolicy = "strict-origin-when-cross-origin";
    card.replaceChildren(frame);
  });
})();
