// Sessions API: a plain Node HTTP server on $PORT with its own load generator.
// Leak: every request's payload is kept in `recentPayloads`, keyed by request id, "for replay
// on retry"; ids never repeat, so the Map only grows. A heap snapshot shows it as a Map retaining
// thousands of large strings.
'use strict';
const http = require('node:http');
const { randomUUID } = require('node:crypto');

const PORT = Number(process.env.PORT || 8080);
const LEAK_KB = Number(process.env.LEAK_KB_PER_REQUEST ?? 16);
// A healthy pod (LEAK_KB_PER_REQUEST=0) serves the same payloads and keeps only the last 100.
const PAYLOAD_KB = LEAK_KB || 16;
const MAX_ENTRIES = Number(process.env.RESPONSE_CACHE_MAX_ENTRIES ?? (LEAK_KB ? 0 : 100));
const REQUESTS_PER_SECOND = Number(process.env.REQUESTS_PER_SECOND ?? 10);

const recentPayloads = new Map();

function renderSession(id) {
  const events = [];
  // About 1 KiB per event, so the payload is PAYLOAD_KB KiB.
  for (let n = 0; n < PAYLOAD_KB; n++) {
    events.push({ at: Date.now(), kind: 'page_view', path: `/catalog/${id}/${n}`, detail: 'x'.repeat(960) });
  }
  return JSON.stringify({ id, user: `user-${id % 97}`, events });
}

function handle(req, res) {
  const url = new URL(req.url, 'http://localhost');
  if (url.pathname === '/health') return send(res, 200, '{"status":"ok"}');
  const m = /^\/sessions\/(\d+)$/.exec(url.pathname);
  if (!m) return send(res, 404, '{"error":"not found"}');
  const requestId = req.headers['x-request-id'];
  const cached = requestId && recentPayloads.get(requestId);
  if (cached) return send(res, 200, cached);
  const body = renderSession(Number(m[1]));
  if (requestId) {
    recentPayloads.set(requestId, body);
    // Maps iterate in insertion order: the first key is the oldest. 0 = unbounded, the leak.
    if (MAX_ENTRIES && recentPayloads.size > MAX_ENTRIES) recentPayloads.delete(recentPayloads.keys().next().value);
  }
  send(res, 200, body);
}

function send(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function startLoad() {
  if (!(REQUESTS_PER_SECOND > 0)) return;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  setInterval(() => {
    const req = http.get({ host: '127.0.0.1', port: PORT, agent, path: `/sessions/${1 + Math.floor(Math.random() * 500)}`,
      headers: { 'x-request-id': randomUUID() } }, (res) => res.resume());
    req.on('error', () => {}); // starting or stopping; the next tick tries again
  }, 1000 / REQUESTS_PER_SECOND);
}

const server = http.createServer(handle);
server.listen(PORT, '0.0.0.0', () => {
  console.log(`sessions api listening on :${PORT} (pid ${process.pid})`);
  startLoad();
});
process.on('SIGTERM', () => {
  console.log('sessions api stopping');
  server.close();
  server.closeAllConnections();
  process.exit(0);
});
