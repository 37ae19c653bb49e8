// Baton demo: the backend's counters in the footer of every page, read every 2 s while the page is visible.
(function () {
  var el = document.getElementById('backend-stats');
  if (!el || !window.fetch) return;
  function count(n, one, many) { return n + ' ' + (n === 1 ? one : many); }
  function show(s) {
    el.textContent = count(s.calls, 'call', 'calls') + ' · ' + s.inFlight + ' in flight · ' + s.completed + ' completed · '
      + s.failed + ' failed · ' + s.cancelled + ' cancelled (the caller hung up or its deadline passed)';
  }
  function poll() {
    if (document.hidden) return;
    fetch(el.dataset.live, { headers: { Accept: 'application/json' } })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(show, function () { el.textContent = 'unreachable'; });
  }
  poll();
  setInterval(poll, 2000);
})();
