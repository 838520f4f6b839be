// The running minute of every match on the page (the scoreboard, the cards of the home and round pages),
// between updates, computed like the server does (docs/PROTOCOL.md): an element with data-status,
// data-period-start and data-clock-speed shows it in its [data-clock] child.
(function () {
  "use strict";
  const PERIODS = { first_half: [0, 45], second_half: [45, 90], extra_first_half: [90, 105], extra_second_half: [105, 120] };
  function tick() {
    document.querySelectorAll("[data-period-start]").forEach((element) => {
      const clock = element.querySelector("[data-clock]");
      const period = PERIODS[element.dataset.status];
      if (!clock || !period) return;
      const speed = Number(element.dataset.clockSpeed || 1);
      const elapsed = Math.max(0, Math.floor(((Date.now() / 1000 - Number(element.dataset.periodStart)) * speed) / 60));
      const minute = period[0] + elapsed + 1;
      clock.textContent = minute > period[1] ? `${period[1]}+${minute - period[1]}′` : `${minute}′`;
    });
  }
  setInterval(tick, 5000);
})();
