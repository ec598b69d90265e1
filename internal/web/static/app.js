// Progressive enhancement only: every form works without this file. It shows the
// "Use my location" buttons when the browser can locate, and fills the coordinates field
// named by the button's data-target with "lat,lon".
(function () {
  "use strict";
  if (!("geolocation" in navigator)) {
    return;
  }
  document.querySelectorAll("button.locate").forEach(function (button) {
    var target = document.getElementById(button.dataset.target);
    if (!target) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      button.disabled = true;
      navigator.geolocation.getCurrentPosition(function (pos) {
        target.value = pos.coords.latitude.toFixed(5) + "," + pos.coords.longitude.toFixed(5);
        button.disabled = false;
        target.focus();
      }, function () {
        button.disabled = false;
        button.textContent = "Location unavailable";
      }, { timeout: 10000 });
    });
  });
})();
