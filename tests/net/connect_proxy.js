// A forward proxy for tests, on 127.0.0.1 at a port the system picks: CONNECT tunnels (for
// https) and absolute-form forwarding (for http), refusing requests without the Basic
// credentials given with --auth. Prints "listening on http://127.0.0.1:PORT" on stderr once
// ready, then one line per request on stdout: "tunnel HOST:PORT", "forward URL" or
// "refused 407 WHAT".
// Usage: node connect_proxy.js [--auth user:password]
'use strict';
const http = require('http');
const net = require('net');

const authIndex = process.argv.indexOf('--auth');
const expected = authIndex > 0 ? 'Basic ' + Buffer.from(process.argv[authIndex + 1]).toString('base64') : null;
const authorized = (req) => expected === null || req.headers['proxy-authorization'] === expected;
const kRefusal = 'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\n' +
                 'Content-Length: 0\r\nConnection: close\r\n\r\n';

const server = http.createServer((req, res) => {
  if (!authorized(req)) {
    console.log('refused 407 ' + req.url);
    res.writeHead(407, {'Proxy-Authenticate': 'Basic realm="test"'});
    res.end();
    return;
  }
  console.log('forward ' + req.url);
  const target = new URL(req.url);
  const headers = {...req.headers};
  delete headers['proxy-authorization'];
  const out = http.request(
      {host: target.hostname, port: target.port, method: req.method, path: target.pathname + target.search, headers},
      (answer) => {
        res.writeHead(answer.statusCode, answer.headers);
        answer.pipe(res);
      });
  out.on('error', () => {
    res.writeHead(502);
    res.end();
  });
  req.pipe(out);
});

server.on('connect', (req, socket, head) => {
  socket.on('error', () => {});
  if (!authorized(req)) {
    console.log('refused 407 CONNECT ' + req.url);
    socket.end(kRefusal);
    return;
  }
  const colon = req.url.lastIndexOf(':');
  const host = req.url.slice(0, colon).replace(/^\[|\]$/g, '');
  const upstream = net.connect(Number(req.url.slice(colon + 1)), host, () => {
    console.log('tunnel ' + req.url);
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    upstream.write(head);
    upstream.pipe(socket);
    socket.pipe(upstream);
  });
  upstream.on('error', () => socket.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n'));
  socket.on('close', () => upstream.destroy());
});

server.listen(0, '127.0.0.1', () => console.error('listening on http://127.0.0.1:' + server.address().port));
