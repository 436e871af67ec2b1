// Load for bench/bus/run.sh: sends ENTRIES events to relay with CONCURRENCY requests in
// flight, either as PutEvents calls of 10 entries through @aws-sdk/client-eventbridge
// (signed) or as POST /events with one event each (node's http agent, keep-alive), and
// prints "<entries accepted> <seconds>". Exits 1 on any refused call or entry.
//   node load.js NODE_MODULES_DIR URL putevents|events ENTRIES CONCURRENCY
'use strict';
const [modules, url, mode, entriesArg, concurrencyArg] = process.argv.slice(2);
const total = Number(entriesArg), concurrency = Number(concurrencyArg);
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const http = require('http');
const { EventBridgeClient, PutEventsCommand } = require(modules + '/@aws-sdk/client-eventbridge');

const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const client = new EventBridgeClient({ region: 'us-east-1', endpoint: url, maxAttempts: 1,
  credentials: { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench-secret' } });
const detail = (i) => ({ order: i, customer: 'c-' + (i % 97), total: i * 3, items: [{ sku: 'a', n: 1 }] });

function postEvent(i) {
  const body = JSON.stringify({ id: 'bench-' + i, source: 'app.orders', 'detail-type': 'Order Placed',
    account: '123456789012', time: new Date().toISOString(), region: 'us-east-1', resources: [], detail: detail(i) });
  return new Promise((resolve, reject) => {
    const req = http.request(url + '/events', { method: 'POST', agent, headers: { 'content-type': 'application/json' } },
      (res) => { res.resume(); res.on('end', () => (res.statusCode === 202 ? resolve(1) : reject(new Error('status ' + res.statusCode)))); });
    req.on('error', reject);
    req.end(body);
  });
}

async function putTen(first) {
  const Entries = [];
  for (let i = first; i < Math.min(total, first + 10); ++i)
    Entries.push({ Source: 'app.orders', DetailType: 'Order Placed', Detail: JSON.stringify(detail(i)) });
  const out = await client.send(new PutEventsCommand({ Entries }));
  if (out.FailedEntryCount) throw new Error(JSON.stringify(out.Entries));
  return Entries.length;
}

(async () => {
  const step = mode === 'putevents' ? 10 : 1;
  const send = mode === 'putevents' ? putTen : postEvent;
  let next = 0, done = 0;
  const start = process.hrtime.bigint();
  const worker = async () => { while (next < total) { const i = next; next += step; const n = await send(i); done += n; } };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  process.stdout.write(done + ' ' + seconds.toFixed(3) + '\n');
  agent.destroy();
})().catch((e) => { process.stderr.write(String(e.stack || e) + '\n'); process.exit(1); });
