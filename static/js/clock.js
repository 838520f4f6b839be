// The running minute of every match on the page (the scoreboard, the cards of the home and round pages),
// between updates, computed like the server does (docs/PROTOCOL.md): an element with data-status,
// data-period-start and data-clock-speed shows it in its [data-clock] child.
(function () {
  "use strict";
  const PERIODS = { first_half: [0, 45], second_half: [45, 90], extra_first_half: [90, 105], extra_second_half: [105, 120] };
  // {minute, added} of the match an element shows now, or null while the ball is not rolling
  function now(element) {
    const period = element && PERIODS[element.dataset.status];
    if (!period || !element.dataset.periodStart) return null;
    const speed = Number(element.dataset.clockSpeed || 1);
    const elapsed = Math.max(0, Math.floor(((Date.now() / 1000 - Number(element.dataset.periodStart)) * speed) / 60));
    const minute = period[0] + elapsed + 1;
    return { minute: Math.min(minute, period[1]), added: Math.max(0, minute - period[1]) };
  }
  function tick() {
    document.querySelectorAll("[data-period-start]").forEach((element) => {
      const clock = element.querySelector("[data-clock]");
      const time = now(element);
      if (!clock || !time) return;
      clock.textContent = time.added ? `${time.minute}+${time.added}′` : `${time.minute}′`;
    });
  }
  setInterval(tick, 5000);
  window.DirettaClock = { now };   // the desk's minute fields follow it too (desk.js)
})();
