// Progressive enhancement only: maps for place fields, search results and a ride's page.
// Without this file, without Leaflet, or when no tile loads, every page still works with
// its lists: a place field's select holds the saved places, sites and address results,
// and a pin dropped here is just one more option of that select.
(function () {
  "use strict";
  if (!window.L) {
    return;
  }
  var tiles = document.body.dataset.tiles;
  var attribution = document.body.dataset.attribution;
  var europe = [50.1, 9.7];

  // Leaflet's own words (its zoom buttons, its credit's tooltip, a marker's alt text) are
  // English; the page gives them in its language.
  var words = document.body.dataset;

  function newMap(el) {
    el.hidden = false;
    var map = L.map(el, { scrollWheelZoom: false, zoomControl: false });
    L.control.zoom({ zoomInTitle: words.mapZoomIn || "Zoom in", zoomOutTitle: words.mapZoomOut || "Zoom out" }).addTo(map);
    if (words.mapLeaflet && map.attributionControl) {
      var prefix = document.createElement("div");
      prefix.innerHTML = map.attributionControl.options.prefix || "";
      var credit = prefix.querySelector("a");
      if (credit) {
        credit.title = words.mapLeaflet;
        map.attributionControl.setPrefix(prefix.innerHTML);
      }
    }
    L.tileLayer(tiles, { attribution: attribution, maxZoom: 19 }).addTo(map);
    return map;
  }

  function point(data, prefix) {
    var lat = parseFloat(data[prefix + "Lat"] || data[prefix + "lat"]);
    var lon = parseFloat(data[prefix + "Lon"] || data[prefix + "lon"]);
    return isNaN(lat) || isNaN(lon) ? null : [lat, lon];
  }

  // A place field's map: it follows the select, and a click drops a pin that becomes
  // the select's chosen option, so the form posts it like any other choice.
  // pinLabel names a dropped pin in the page's language, from the pattern the page gives
  // (data-pin, with {lat} and {lon}), its numbers written as the language writes them.
  function pinLabel(el, lat, lon) {
    var lang = document.documentElement.lang || "en";
    function fmt(x) {
      return x.toLocaleString(lang, { minimumFractionDigits: 4, maximumFractionDigits: 4, useGrouping: false });
    }
    var pattern = el.dataset.pin || "Pin at {lat}, {lon}";
    return pattern.replace("{lat}", fmt(lat)).replace("{lon}", fmt(lon));
  }

  document.querySelectorAll(".pick-map").forEach(function (el) {
    var select = document.getElementById(el.dataset.select);
    if (!select) {
      return;
    }
    var hint = el.nextElementSibling;
    if (hint && hint.classList.contains("map-hint")) {
      hint.hidden = false;
    }
    var map = newMap(el);
    var marker = null;
    function show(at, zoom) {
      if (marker) {
        marker.setLatLng(at);
      } else {
        marker = L.marker(at, { alt: words.mapMarker || "Marker" }).addTo(map);
      }
      map.setView(at, zoom);
    }
    function follow() {
      var option = select.options[select.selectedIndex];
      var at = option && point(option.dataset, "");
      if (at) {
        show(at, Math.max(map.getZoom() || 0, 13));
      }
      return !!at;
    }
    if (!follow()) {
      var first = select.querySelector("option[data-lat]");
      map.setView(first ? point(first.dataset, "") : europe, first ? 11 : 4);
    }
    select.addEventListener("change", follow);
    map.on("click", function (e) {
      var lat = e.latlng.lat;
      var lon = L.Util.wrapNum(e.latlng.lng, [-180, 180], true);
      var option = select.querySelector("option.pin-option");
      if (!option) {
        option = document.createElement("option");
        option.className = "pin-option";
        select.insertBefore(option, select.options[1] || null);
      }
      var label = pinLabel(el, lat, lon);
      option.value = "at:" + lat.toFixed(6) + "," + lon.toFixed(6) + "|" + label;
      option.textContent = label;
      option.dataset.lat = lat;
      option.dataset.lon = lon;
      select.value = option.value;
      show([lat, lon], map.getZoom());
    });
  });

  // Search results: each ride of the list as a line from its start to its end, by way
  // of the searcher's pickup and drop-off on a search along the route. The map draws
  // what the list holds, nothing else, and records which rides it drew and their lines.
  document.querySelectorAll(".results-map").forEach(function (el) {
    var list = document.getElementById(el.dataset.list);
    if (!list) {
      return;
    }
    var map = newMap(el);
    var bounds = [];
    var drawn = [];
    var lines = [];
    list.querySelectorAll("li.result").forEach(function (item, i) {
      var from = point(item.dataset, "from");
      var to = point(item.dataset, "to");
      if (!from || !to) {
        return;
      }
      var link = item.querySelector("a");
      var way = [from, point(item.dataset, "pickup"), point(item.dataset, "dropoff"), to].filter(Boolean);
      var line = L.polyline(way, { weight: 4 }).addTo(map);
      lines.push(way.map(function (at) { return at.join(","); }).join(" "));
      var start = L.circleMarker(from, { radius: 7 }).addTo(map);
      var title = (i + 1) + ". " + item.dataset.label;
      L.marker(to, { title: title, alt: title }).addTo(map);
      [line, start].forEach(function (layer) {
        layer.on("click", function () {
          if (link) {
            link.focus();
          }
        });
      });
      bounds.push(from, to);
      drawn.push(item.dataset.id);
    });
    el.dataset.rides = drawn.join(" ");
    el.dataset.lines = lines.join(";");
    if (bounds.length) {
      map.fitBounds(bounds, { padding: [24, 24] });
    } else {
      map.setView(europe, 4);
    }
  });

  // A ride's page: its start and end and, as small circles, the stops the reader may
  // know: confirmed passengers' pickups and drop-offs for the driver, their own for a
  // passenger. The page lists them in the order the car reaches them, and the line goes
  // through them in that order; the map records the line's points for the tests.
  document.querySelectorAll(".ride-map").forEach(function (el) {
    var list = document.getElementById(el.dataset.list);
    if (!list) {
      return;
    }
    var map = newMap(el);
    var bounds = [];
    list.querySelectorAll("li").forEach(function (item) {
      var at = point(item.dataset, "");
      if (!at) {
        return;
      }
      var stop = item.dataset.kind === "pickup" || item.dataset.kind === "dropoff";
      var layer = stop
        ? L.circleMarker(at, { radius: 8 })
        : L.marker(at, { title: item.textContent, alt: item.textContent });
      layer.bindTooltip(item.textContent).addTo(map);
      bounds.push(at);
    });
    el.dataset.points = String(bounds.length);
    if (bounds.length >= 2) {
      L.polyline(bounds, { dashArray: "6 6" }).addTo(map);
      el.dataset.line = bounds.map(function (at) { return at.join(","); }).join(" ");
    }
    map.fitBounds(bounds, { padding: [24, 24], maxZoom: 14 });
  });
})();
