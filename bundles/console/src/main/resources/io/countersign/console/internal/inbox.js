// The inbox works without this script (reload the page); with it, the inbox follows the requests the reviewer may
// decide as they change (Server-Sent Events from /console/events). Each event names one request: only that request is
// fetched (/console/inbox/requests/ID: its entry, or 204 when it left the inbox) and put in place by its deadline. The
// whole list is fetched again when that cannot be done: the first request of an empty inbox, or after the stream
// reconnected (events may have been missed meanwhile).
(function () {
  var inbox = document.getElementById('inbox');
  if (!inbox || !window.EventSource || !window.fetch) { return; }
  var refreshing = false, again = false;
  function refresh() {
    if (refreshing) { again = true; return; }
    refreshing = true;
    fetch('/console/inbox', { credentials: 'same-origin', headers: { 'Accept': 'text/html' } })
      .then(function (answer) { return answer.ok ? answer.text() : null; })
      .then(function (html) { if (html !== null) { inbox.innerHTML = html; } })
      .finally(function () { refreshing = false; if (again) { again = false; refresh(); } });
  }
  function count(list) {
    var counter = document.getElementById('inbox-count');
    var n = list.children.length;
    if (n === 0) { refresh(); return; }
    if (counter) { counter.textContent = n + (n === 1 ? ' request' : ' requests') + ', the nearest deadline first.'; }
  }
  function place(list, item) {
    var deadline = Number(item.getAttribute('data-deadline'));
    for (var i = 0; i < list.children.length; i++) {
      if (Number(list.children[i].getAttribute('data-deadline')) > deadline) {
        list.insertBefore(item, list.children[i]);
        return;
      }
    }
    list.appendChild(item);
  }
  function update(id) {
    if (refreshing) { again = true; return; }
    var list = inbox.querySelector('ul.requests');
    if (!list) { refresh(); return; }
    fetch('/console/inbox/requests/' + encodeURIComponent(id),
          { credentials: 'same-origin', headers: { 'Accept': 'text/html' } })
      .then(function (answer) {
        if (answer.status === 204) { return ''; }
        return answer.ok ? answer.text() : null;
      })
      .then(function (html) {
        if (html === null) { refresh(); return; }
        var old = document.getElementById('request-' + id);
        if (old) { old.parentNode.removeChild(old); }
        if (html !== '') {
          var holder = document.createElement('ul');
          holder.innerHTML = html;
          if (holder.firstElementChild) { place(list, holder.firstElementChild); }
        }
        count(list);
      })
      .catch(refresh);
  }
  var events = new EventSource(inbox.getAttribute('data-live'));
  var opened = false;
  events.addEventListener('open', function () { if (opened) { refresh(); } opened = true; });
  events.addEventListener('changed', function (event) {
    if (/^[A-Za-z0-9-]{1,64}$/.test(event.data)) { update(event.data); } else { refresh(); }
  });
})();
