// The inbox works without this script (reload the page); with it, the list is fetched again whenever a request
// the reviewer may decide changes (Server-Sent Events from /console/events).
(function () {
  var inbox = document.getElementById('inbox');
  if (!inbox || !window.EventSource) { return; }
  var refreshing = false, again = false;
  function refresh() {
    if (refreshing) { again = true; return; }
    refreshing = true;
    fetch('/console/inbox', { credentials: 'same-origin', headers: { 'Accept': 'text/html' } })
      .then(function (answer) { return answer.ok ? answer.text() : null; })
      .then(function (html) { if (html !== null) { inbox.innerHTML = html; } })
      .finally(function () { refreshing = false; if (again) { again = false; refresh(); } });
  }
  var events = new EventSource(inbox.getAttribute('data-live'));
  events.addEventListener('changed', refresh);
})();
