// A receiver for tests: answers 200 to every request and prints one JSON line per request on
// stdout: {"at": arrival in ms since the epoch, "client": the client certificate's CN or
// null, "path": the target}. Serves HTTPS with --cert/--key, then demands a client
// certificate issued by --client-ca when given; plain HTTP otherwise. Prints
// "listening on URL" on stderr once ready (host localhost for HTTPS).
// Usage: node test_receiver.js [--cert C --key K [--client-ca CA]]
'use strict';
const fs = require('fs');
const http = require('http');
const https = require('https');

const arg = (name) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};

function handle(req, res) {
  const peer = req.socket.getPeerCertificate ? req.socket.getPeerCertificate() : null;
  req.resume();
  req.on('end', () => {
    const client = peer && peer.subject ? peer.subject.CN : null;
    console.log(JSON.stringify({at: Date.now(), client, path: req.url}));
    res.writeHead(200, {'Content-Type': 'text/plain'});
    res.end('ok');
  });
}

let server, scheme;
if (arg('--cert')) {
  const options = {cert: fs.readFileSync(arg('--cert')), key: fs.readFileSync(arg('--key'))};
  if (arg('--client-ca')) Object.assign(options, {ca: fs.readFileSync(arg('--client-ca')), requestCert: true, rejectUnauthorized: true});
  server = https.createServer(options, handle);
  scheme = 'https://localhost:';
} else {
  server = http.createServer(handle);
  scheme = 'http://127.0.0.1:';
}
server.on('tlsClientError', (e) => console.error('tls client error: ' + e.message));
server.listen(0, '127.0.0.1', () => console.error('listening on ' + scheme + server.address().port));
