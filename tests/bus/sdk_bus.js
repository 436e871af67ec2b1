// Calls relay's event bus with the AWS SDK for JavaScript's EventBridgeClient, as an
// application would, and prints what the SDK made of each answer, one JSON array:
// [{"output": {...}, "request_id": the answer's x-amzn-RequestId as the SDK read it}
//  | {"error": NAME, "message": ..., "status": HTTP status}].
//   node sdk_bus.js NODE_MODULES_DIR ENDPOINT REGION ACCESS_KEY_ID SECRET CALLS_JSON
// CALLS_JSON: [{"op": "PutEvents" | "TestEventPattern", "input": {...}}]; an entry's Time
// given as a number is epoch seconds (made a Date, as applications pass it).
'use strict';
const [modules, endpoint, region, accessKeyId, secretAccessKey, callsJson] = process.argv.slice(2);
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const eb = require(modules + '/@aws-sdk/client-eventbridge');
const client = new eb.EventBridgeClient({ region, endpoint, credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1 });
const commands = { PutEvents: eb.PutEventsCommand, TestEventPattern: eb.TestEventPatternCommand };

(async () => {
  const results = [];
  for (const { op, input } of JSON.parse(callsJson)) {
    for (const e of input.Entries || []) if (typeof e.Time === 'number') e.Time = new Date(e.Time * 1000);
    try {
      const { $metadata, ...out } = await client.send(new commands[op](input));
      results.push({ output: out, request_id: $metadata.requestId || '' });
    } catch (e) {
      results.push({ error: e.name, message: e.message, status: e.$metadata ? e.$metadata.httpStatusCode : 0 });
    }
  }
  process.stdout.write(JSON.stringify(results));
})();
