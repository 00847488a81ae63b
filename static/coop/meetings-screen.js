// Progressive enhancement for the live results screen: fetch the page every 15 seconds and
// swap in the new results, with a button to pause. Without JavaScript, "Refresh" reloads.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var region = document.getElementById("screen-results");
    var controls = document.getElementById("screen-controls");
    if (!region || !controls || !window.fetch || !window.DOMParser) { return; }
    var seconds = parseInt(region.getAttribute("data-refresh-seconds"), 10) || 15;
    var paused = false;

    var toggle = document.createElement("button");
    toggle.type = "button";
    toggle.className = "button button--secondary";
    toggle.setAttribute("aria-pressed", "false");
    toggle.textContent = "Pause updates";
    var status = document.createElement("span");
    status.setAttribute("role", "status");
    status.textContent = "Updates every " + seconds + " seconds.";
    controls.appendChild(toggle);
    controls.appendChild(status);

    toggle.addEventListener("click", function () {
      paused = !paused;
      toggle.setAttribute("aria-pressed", paused ? "true" : "false");
      toggle.textContent = paused ? "Resume updates" : "Pause updates";
      status.textContent = paused ? "Updates paused." : "Updates every " + seconds + " seconds.";
    });

    function update() {
      if (paused) { return; }
      fetch(window.location.href, { credentials: "same-origin", cache: "no-store" })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) {
          if (!html) { return; }
          var fresh = new DOMParser().parseFromString(html, "text/html")
            .getElementById("screen-results");
          if (fresh && fresh.innerHTML !== region.innerHTML) {
            region.innerHTML = fresh.innerHTML;
          }
        })
        .catch(function () { status.textContent = "Could not update. Use Refresh."; });
    }
    window.setInterval(update, seconds * 1000);
  });
})();
