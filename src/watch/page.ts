// The page at / of `obsctl watch --serve`: no framework, no build step. It lists events live over
// EventSource (the browser reconnects by itself and resends Last-Event-ID; after a hard error it
// opens a new one with ?lastEventId=), and polls /events.json when EventSource is unavailable.
// The token comes from the page's own URL (?token=...), as the CLI prints it.
import { eventTypes } from './model.js';

export const watchPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>obsctl watch</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #222; }
  #status { font-weight: bold; }
  #status.live { color: #1a7f37; } #status.reconnecting, #status.polling { color: #9a6700; }
  ol { list-style: none; padding: 0; font-family: ui-monospace, monospace; }
  li { padding: 2px 0; border-bottom: 1px solid #eee; }
  .target_down, .alert_firing, .rule_error, .gpu_missing, .stale { color: #cf222e; }
  .target_up, .alert_resolved, .resynced { color: #1a7f37; }
</style>
</head>
<body>
<h1>obsctl watch</h1>
<p>Connection: <span id="status">starting</span> · last event <span id="last">-</span></p>
<ol id="events"></ol>
<script>
(function () {
  var types = ${JSON.stringify(eventTypes)};
  var token = new URLSearchParams(location.search).get('token');
  var auth = token ? 'token=' + encodeURIComponent(token) : '';
  var lastId = -1, list = document.getElementById('events');
  function status(s) { var el = document.getElementById('status'); el.textContent = s; el.className = s; }
  function show(e) {
    if (e.id <= lastId && e.type !== 'snapshot') return;
    lastId = Math.max(lastId, e.id);
    document.getElementById('last').textContent = '#' + e.id;
    var li = document.createElement('li');
    li.className = e.type; li.dataset.id = e.id; li.dataset.type = e.type;
    li.textContent = e.time.slice(11, 19) + ' ' + e.type + ' ' + e.summary;
    list.insertBefore(li, list.firstChild);
    while (list.children.length > 500) list.removeChild(list.lastChild);
  }
  function connect() {
    var q = [auth, lastId >= 0 ? 'lastEventId=' + lastId : ''].filter(Boolean).join('&');
    var es = new EventSource('/events' + (q ? '?' + q : ''));
    es.onopen = function () { status('live'); };
    types.forEach(function (t) { es.addEventListener(t, function (m) { show(JSON.parse(m.data)); }); });
    es.onerror = function () {
      status('reconnecting');
      // CLOSED means the browser gave up (e.g. HTTP 401/503): try again ourselves, resuming.
      if (es.readyState === 2) { es.close(); setTimeout(connect, 3000); }
    };
  }
  function poll() {
    status('polling');
    var q = [auth, 'after=' + Math.max(lastId, 0)].filter(Boolean).join('&');
    fetch('/events.json?' + q).then(function (r) { return r.json(); }).then(function (body) {
      (body.events || []).forEach(show);
    }).catch(function () { status('reconnecting'); }).then(function () { setTimeout(poll, 2000); });
  }
  if (typeof window.EventSource === 'function') connect(); else poll();
})();
</script>
</body>
</html>
`;
