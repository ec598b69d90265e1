// Progressive enhancement only: every form works without this file.

// Fills the hidden fields marked data-browser-zone with the browser's IANA time zone
// ("Europe/Berlin"), so a new member reads times in their own zone from the first page;
// without it the installation's default zone applies.
(function () {
  "use strict";
  var zone = "";
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (e) {
    return;
  }
  document.querySelectorAll("input[data-browser-zone]").forEach(function (input) {
    if (input.value === "") {
      input.value = zone;
    }
  });
})();

// Shows the "Use my location" buttons when the browser can locate, and fills the
// coordinates field named by the button's data-target with "lat,lon".
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

// Check-in: on submit with no position typed, asks the browser for it and sends it;
// when the browser may not tell, the typed fields stay the way to check in.
(function () {
  "use strict";
  if (!("geolocation" in navigator)) {
    return;
  }
  document.querySelectorAll("form.check-in-form").forEach(function (form) {
    var lat = form.querySelector("input[name=lat]");
    var lon = form.querySelector("input[name=lon]");
    if (!lat || !lon) {
      return;
    }
    form.addEventListener("submit", function (event) {
      if (lat.value !== "" || lon.value !== "") {
        return;
      }
      event.preventDefault();
      var button = form.querySelector("button[type=submit]");
      if (button) {
        button.disabled = true;
      }
      navigator.geolocation.getCurrentPosition(function (pos) {
        lat.value = pos.coords.latitude.toFixed(6);
        lon.value = pos.coords.longitude.toFixed(6);
        form.submit();
      }, function () {
        if (button) {
          button.disabled = false;
        }
        lat.focus();
      }, { timeout: 10000, enableHighAccuracy: true });
    });
  });
})();

// The print buttons of printable pages.
document.querySelectorAll("button.print-page").forEach(function (button) {
  "use strict";
  button.addEventListener("click", function () { window.print(); });
});
