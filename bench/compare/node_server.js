'use strict';
// The seed's ECS handler logic as a Node.js service: a node:http server that turns each POSTed
// event into the seed's incident, JSON.stringify's it, signs it (base64 HMAC-SHA256 over
// `timestamp:payload`) and POSTs it to WEBHOOK_URL through a keep-alive agent before answering:
// 200 when the receiver answered 200 or 202, 502 otherwise. One process (Node's usual deployment).
// Usage: WEBHOOK_URL=... WEBHOOK_SECRET=... node node_server.js PORT
const http = require('node:http');
const crypto = require('node:crypto');

const { WEBHOOK_URL, WEBHOOK_SECRET } = process.env;
if (!WEBHOOK_URL || !WEBHOOK_SECRET) throw new Error('WEBHOOK_URL and WEBHOOK_SECRET environment variables must be set');
const target = new URL(WEBHOOK_URL);
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

function incident(event) {
  const detail = event.detail || {};
  const taskArn = detail.taskArn || 'Unknown';
  const clusterArn = detail.clusterArn || 'Unknown';
  const lastStatus = detail.lastStatus || '';
  const stoppedReason = detail.stoppedReason || '';
  const containers = detail.containers || [];
  let containerInfo = '';
  for (const c of containers) {
    containerInfo += `\n - ${c.name || 'Unknown'}: ${c.lastStatus || 'Unknown'}`;
    if (c.reason) containerInfo += ` (Reason: ${c.reason})`;
  }
  let description = `ECS Task Failed\nTask: ${taskArn}\nCluster: ${clusterArn}\nStatus: ${lastStatus}\nReason: ${stoppedReason}`;
  if (containerInfo) description += `\nContainers:${containerInfo}`;
  const taskId = taskArn.split('/').pop();
  const now = new Date().toISOString();
  return {
    eventType: 'incident',
    incidentId: `${taskId}-${now}`,
    action: 'created',
    priority: 'HIGH',
    title: `ECS Task Failed: ${taskId}`,
    description,
    timestamp: now,
    service: clusterArn.split('/').pop(),
    data: {
      metadata: {
        taskArn, clusterArn, lastStatus, desiredStatus: detail.desiredStatus || '', stoppedReason, containers,
      },
    },
  };
}

// Signs and sends one payload; resolves to the receiver's status.
function deliver(payload) {
  const body = Buffer.from(JSON.stringify(payload));
  const timestamp = new Date().toISOString().replace(/\.\d{3}Z$/, '.000Z');
  const signature = crypto.createHmac('sha256', WEBHOOK_SECRET)
    .update(`${timestamp}:`).update(body).digest('base64');
  return new Promise((resolve, reject) => {
    const req = http.request(target, {
      method: 'POST',
      agent,
      headers: {
        'Content-Type': 'application/json',
        'Content-Length': body.length,
        'x-amzn-event-timestamp': timestamp,
        'x-amzn-event-signature': signature,
      },
    }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function answer(res, status, text) {
  const body = JSON.stringify(text);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    try {
      const status = await deliver(incident(JSON.parse(Buffer.concat(chunks))));
      if (status === 200 || status === 202) answer(res, 200, 'Investigation triggered successfully');
      else answer(res, 502, `Webhook failed with status ${status}`);
    } catch (e) {
      answer(res, 502, `Error: ${e.message}`);
    }
  });
});
server.listen(Number(process.argv[2]), '127.0.0.1', () => {
  process.stderr.write(`node_server: listening on http://127.0.0.1:${server.address().port}\n`);
});
process.on('SIGTERM', () => process.exit(0));
