// Live notifications: listens on /ws/notifications/ and updates the unread badges and, on the
// notifications page, the list. Pages work without this script; it only saves a reload.
// No inline code and no eval: allowed by the site's Content-Security-Policy ('self' scripts only).
(function () {
  "use strict";
  if (!("WebSocket" in window)) {
    return;
  }
  var badges = document.querySelectorAll("[data-unread-count]");
  var list = document.getElementById("notification-list");
  var retryDelay = 1000;

  function showUnread(count) {
    // The header's menu and the phone's tab bar each have one.
    Array.prototype.forEach.call(badges, function (badge) {
      badge.textContent = count > 99 ? "99+" : String(count); // the server counts up to 100
      badge.hidden = count === 0;
    });
  }

  function showNotification(notification) {
    if (!list) {
      return;
    }
    var empty = list.querySelector(".empty");
    if (empty) {
      empty.remove();
    }
    var old = list.querySelector('[data-notification-id="' + Number(notification.id) + '"]');
    if (old) {
      old.remove();
    }
    // The server renders the item with the list page's own template (avatar, time, "new" mark) and
    // escapes every name in it; it has no CSRF token, so the page's token goes into its form.
    var template = document.createElement("template");
    template.innerHTML = String(notification.html).trim();
    var item = template.content.firstElementChild;
    if (!item) {
      return;
    }
    var token = document.querySelector('input[name="csrfmiddlewaretoken"]');
    var form = item.querySelector("form");
    if (token && form && !form.querySelector('input[name="csrfmiddlewaretoken"]')) {
      form.insertBefore(token.cloneNode(), form.firstChild);
    }
    list.insertBefore(item, list.firstChild);
  }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + window.location.host + "/ws/notifications/");
    socket.addEventListener("open", function () {
      retryDelay = 1000;
      document.documentElement.dataset.notificationsLive = "true";
    });
    socket.addEventListener("message", function (event) {
      var data = JSON.parse(event.data);
      if (typeof data.unread === "number") {
        showUnread(data.unread);
      }
      if (data.notification) {
        showNotification(data.notification);
      }
    });
    socket.addEventListener("close", function (event) {
      delete document.documentElement.dataset.notificationsLive;
      if (event.code === 4401) {
        return; // signed out: nothing to listen to
      }
      window.setTimeout(connect, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 30000);
    });
  }

  connect();
})();
