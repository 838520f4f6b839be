// "Rivivi la diretta": the entries of a finished match appear at the times they were published, divided by
// the reader's speed, newest on top; the scoreboard follows them. Nothing says how it ends until it does.
(function () {
  "use strict";
  const steps = Array.from(document.querySelectorAll(".relive-step"));
  const feed = document.getElementById("feed");
  const score = document.querySelector("[data-relive-score]");
  const minute = document.querySelector("[data-relive-minute]");
  const play = document.querySelector("[data-relive-play]");
  const speed = document.querySelector("[data-relive-speed]");
  const end = document.querySelector("[data-relive-end]");
  if (!steps.length || !play) return;
  let shown = 0;          // steps on the page
  let clock = 0;          // seconds of the match's blog replayed
  let timer = null;

  function show(step) {
    step.hidden = false;
    feed.prepend(step);
    score.textContent = step.dataset.score;
    minute.textContent = step.dataset.minute;
  }
  function advance(until) {
    while (shown < steps.length && Number(steps[shown].dataset.at) <= until) show(steps[shown++]);
    if (shown === steps.length) { stop(); end.hidden = false; play.disabled = true; }
  }
  function stop() { clearInterval(timer); timer = null; play.textContent = play.dataset.play; }
  play.addEventListener("click", () => {
    if (timer) { stop(); return; }
    play.textContent = play.dataset.pause;
    timer = setInterval(() => { clock += 0.25 * Number(speed.value); advance(clock); }, 250);
  });
  document.querySelector("[data-relive-next]").addEventListener("click", () => {
    // straight to the next key event (a goal, a card, a change), or the next entry
    let next = steps.findIndex((step, i) => i >= shown && step.hasAttribute("data-key"));
    if (next < 0) next = shown;
    if (next < steps.length) { clock = Number(steps[next].dataset.at); advance(clock); }
  });
})();
