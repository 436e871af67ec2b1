// Sends the entries of a PutEvents body (relay's, read from a file) with the AWS SDK for
// JavaScript's EventBridgeClient to ENDPOINT, and prints the SDK's parsed result as JSON.
//   node sdk_put_events.js NODE_MODULES_DIR ENDPOINT REGION ACCESS_KEY_ID SECRET BODY_FILE
'use strict';
const [modules, endpoint, region, accessKeyId, secretAccessKey, bodyFile] = process.argv.slice(2);
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';  // node 20 is fine for this SDK version
const { EventBridgeClient, PutEventsCommand } = require(modules + '/@aws-sdk/client-eventbridge');
const { Entries } = JSON.parse(require('fs').readFileSync(bodyFile, 'utf8'));
for (const e of Entries) if (e.Time !== undefined) e.Time = new Date(e.Time * 1000);
const client = new EventBridgeClient({ region, endpoint, credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1 });
client.send(new PutEventsCommand({ Entries })).then(
    (out) => process.stdout.write(JSON.stringify({ FailedEntryCount: out.FailedEntryCount, Entries: out.Entries })),
    (e) => { process.stderr.write(e.name + ': ' + e.message); process.exit(1); });
