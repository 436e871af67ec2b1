// A test Amazon EventBridge: answers PutEvents on 127.0.0.1 (an OS-picked port), after
// verifying each call's SigV4 signature with @smithy/signature-v4.
//
//   node test_eventbridge.js NODE_MODULES_DIR CONFIG_JSON
//
// CONFIG_JSON: {"access_key_id", "secret_access_key", "region",
//   "entries": [{"marker", "code", "message", "times"}],  per-entry answers: an entry whose
//       Detail contains `marker` gets ErrorCode `code` for its first `times` attempts (all
//       when absent); attempts are counted per entry (its Resources) and rule
//   "calls": [{"status", "type", "message", "times"}],  whole-call answers for the first
//       `times` calls (all when absent), in order
//   "quiet": true}  no per-call lines (for benchmarks; GET /stats gives the counts)
//
// Prints "listening on http://127.0.0.1:PORT", then one JSON line per call: {"call", "verdict"
// ("ok" or why the signature or request is refused), "headers", "body", "status", "answer"}.
// GET /stats answers {"calls", "entries", "refused"}.
'use strict';
const http = require('http');
const crypto = require('crypto');
const [modules, configText] = process.argv.slice(2);
const { SignatureV4 } = require(modules + '/@smithy/signature-v4');
const { HttpRequest } = require(modules + '/@smithy/protocol-http');
const { Hash } = require(modules + '/@smithy/hash-node');

const config = JSON.parse(configText);
const entryRules = config.entries || [];
const callRules = (config.calls || []).map((r) => ({ ...r, left: r.times ?? Infinity }));
const attempts = new Map();  // rule index + entry identity -> attempts so far
const stats = { calls: 0, entries: 0, refused: 0 };

const kAuthorization =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/;

// "ok", or why the request's signature is not the one @smithy/signature-v4 computes.
async function verify(req, body) {
  const auth = req.headers['authorization'];
  if (!auth) return 'no Authorization header';
  const m = kAuthorization.exec(auth);
  if (!m) return 'malformed Authorization header: ' + auth;
  const [, keyId, date, region, service, signedHeaders] = m;
  if (keyId !== config.access_key_id) return 'unknown access key id ' + keyId;
  if (region !== config.region) return 'signed for region ' + region + ', not ' + config.region;
  if (service !== 'events') return 'signed for service ' + service + ', not events';
  const amzDate = req.headers['x-amz-date'] || '';
  const t = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (!t || t.slice(1, 4).join('') !== date) return 'bad X-Amz-Date ' + amzDate;
  const signingDate = new Date(Date.UTC(+t[1], t[2] - 1, +t[3], +t[4], +t[5], +t[6]));
  if (Math.abs(Date.now() - signingDate.getTime()) > 5 * 60 * 1000) return 'X-Amz-Date is more than 5 minutes off';
  const headers = {};
  for (const name of signedHeaders.split(';')) {
    if (req.headers[name] === undefined) return 'a signed header is missing: ' + name;
    headers[name] = req.headers[name];
  }
  const url = new URL(req.url, 'http://' + req.headers.host);
  const query = {};
  for (const [k, v] of url.searchParams) query[k] = k in query ? [].concat(query[k], v) : v;
  const signer = new SignatureV4({
    credentials: { accessKeyId: keyId, secretAccessKey: config.secret_access_key,
                   sessionToken: req.headers['x-amz-security-token'] },
    region, service, sha256: Hash.bind(null, 'sha256'), applyChecksum: false,
  });
  const expected = await signer.sign(
      new HttpRequest({ method: req.method, protocol: 'http:', hostname: url.hostname, port: url.port,
                        path: url.pathname, query, headers, body }),
      { signingDate });
  return expected.headers['authorization'] === auth ? 'ok' : 'signature mismatch: expected ' + expected.headers['authorization'];
}

function entryAnswer(entry) {
  const identity = JSON.stringify(entry.Resources || []) + (entry.Detail || '');
  for (let i = 0; i < entryRules.length; ++i) {
    const rule = entryRules[i];
    if (!(entry.Detail || '').includes(rule.marker)) continue;
    const key = i + ' ' + identity;
    const n = (attempts.get(key) || 0) + 1;
    attempts.set(key, n);
    if (n <= (rule.times ?? Infinity)) return { ErrorCode: rule.code, ErrorMessage: rule.message || rule.code };
  }
  return { EventId: crypto.randomUUID() };
}

// [status, answer object] for one call.
function answer(req, body, verdict) {
  const error = (status, type, message) => [status, { __type: type, message }];
  if (verdict !== 'ok') return error(403, 'InvalidSignatureException', verdict);
  if (req.headers['x-amz-target'] !== 'AWSEvents.PutEvents')
    return error(400, 'UnknownOperationException', 'X-Amz-Target ' + req.headers['x-amz-target']);
  if (req.headers['content-type'] !== 'application/x-amz-json-1.1')
    return error(400, 'SerializationException', 'Content-Type ' + req.headers['content-type']);
  const rule = callRules.find((r) => r.left > 0);
  if (rule) {
    --rule.left;
    return error(rule.status, rule.type || 'InternalException', rule.message || 'scripted');
  }
  let request;
  try { request = JSON.parse(body); } catch (e) { return error(400, 'SerializationException', String(e.message)); }
  const entries = request.Entries;
  if (!Array.isArray(entries) || entries.length < 1 || entries.length > 10)
    return error(400, 'ValidationException', 'Entries must hold 1 to 10 entries');
  stats.entries += entries.length;
  const results = entries.map(entryAnswer);
  return [200, { FailedEntryCount: results.filter((r) => r.ErrorCode).length, Entries: results }];
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    if (req.method === 'GET' && req.url === '/stats') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(stats));
      return;
    }
    const body = Buffer.concat(chunks).toString('utf8');
    let verdict;
    try { verdict = await verify(req, body); } catch (e) { verdict = 'verifier failed: ' + e.message; }
    const [status, answerObject] = answer(req, body, verdict);
    const answerText = JSON.stringify(answerObject);
    ++stats.calls;
    if (status !== 200) ++stats.refused;
    if (!config.quiet)
      process.stdout.write(JSON.stringify({ call: stats.calls, verdict, headers: req.headers, body, status,
                                            answer: answerText }) + '\n');
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1',
                            'x-amzn-requestid': crypto.randomUUID() });
    res.end(answerText);
  });
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write('listening on http://127.0.0.1:' + server.address().port + '\n');
});
process.on('SIGTERM', () => process.exit(0));
