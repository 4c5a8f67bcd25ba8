// Registers the service worker of the installable web app (/sw.js, served by pwa/views.py), which shows
// an offline page when the network fails. A static file, not inline code: the site's CSP allows no other.
(function () {
  "use strict";
  if ("serviceWorker" in navigator) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {
        // Not installable here (e.g. plain HTTP on another host than localhost): the site works as before.
      });
    });
  }
})();
