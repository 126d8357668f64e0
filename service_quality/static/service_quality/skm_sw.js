// The kiosk's service worker: keeps the kiosk page and its assets, so that the tablet still
// shows the form when the network is gone (the page's own queue keeps the answers).
"use strict";
var CACHE = "prima-skm-v1";

self.addEventListener("install", function (event) { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (!(url.pathname.indexOf("/s/") === 0 || url.pathname.indexOf("/static/") === 0)) { return; }
  event.respondWith(
    fetch(request).then(function (response) {
      if (response.ok) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
      }
      return response;
    }).catch(function () {
      return caches.match(request, { ignoreSearch: true });
    })
  );
});
