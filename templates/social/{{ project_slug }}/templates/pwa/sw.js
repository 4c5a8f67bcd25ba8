// The service worker of the installable web app (pwa/views.py serves it at /sw.js: its scope is the
// whole site). It stores only the offline page and its static files, never a page someone signed in to:
// pages always come from the network, and when the network fails a page request gets the offline page.
"use strict";

var CACHE = "{{ cache_name }}";
var OFFLINE_URL = {{ offline_url|safe }};
var PRECACHE = {{ precache|safe }};

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      // Fetched without cookies: the stored copy is the one an anonymous visitor gets.
      return cache.addAll(PRECACHE.map(function (url) {
        return new Request(url, { credentials: "omit" });
      }));
    }).then(function () {
      return self.skipWaiting();
    })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name !== CACHE;
      }).map(function (name) {
        return caches.delete(name);
      }));
    }).then(function () {
      return self.clients.claim();
    })
  );
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") {
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(function () {
      return caches.match(OFFLINE_URL);
    }));
    return;
  }
  var url = new URL(request.url);
  if (url.origin === self.location.origin && PRECACHE.indexOf(url.pathname) !== -1) {
    event.respondWith(caches.match(url.pathname).then(function (stored) {
      return stored || fetch(request);
    }));
  }
});
