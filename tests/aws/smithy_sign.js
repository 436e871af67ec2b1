// Signs each request of a corpus with @smithy/signature-v4, the signer of the AWS SDK for
// JavaScript v3, and prints one line per request: the X-Amz-Date and Authorization it adds.
// usage: node smithy_sign.js NPM_DIR CORPUS_JSON
// A corpus entry: {method, target, headers: [[name, value], ...], body_base64, access_key_id,
// secret_access_key, session_token, region, service, time_ms}.
'use strict';
const fs = require('fs');
const [npmDir, corpusFile] = process.argv.slice(2);
const { SignatureV4 } = require(npmDir + '/node_modules/@smithy/signature-v4');
const { Sha256 } = require(npmDir + '/node_modules/@aws-crypto/sha256-js');

// The request as an HTTP server hands it over: the path and the decoded query parameters
// (repeated names keep every value; a name without '=' has the value ""), and one value per
// header name, repeated fields joined with "," (RFC 9110 5.3) after the whitespace around
// each is dropped (5.5).
function toSmithy(entry) {
  const q = entry.target.indexOf('?');
  const path = q < 0 ? entry.target : entry.target.slice(0, q);
  const query = {};
  if (q >= 0) {
    for (const part of entry.target.slice(q + 1).split('&')) {
      if (part === '') continue;
      const eq = part.indexOf('=');
      const name = decodeURIComponent(eq < 0 ? part : part.slice(0, eq));
      const value = eq < 0 ? '' : decodeURIComponent(part.slice(eq + 1));
      if (!(name in query)) query[name] = value;
      else if (Array.isArray(query[name])) query[name].push(value);
      else query[name] = [query[name], value];
    }
  }
  const grouped = new Map();
  for (const [name, value] of entry.headers) {
    const key = name.toLowerCase();
    if (!grouped.has(key)) grouped.set(key, []);
    grouped.get(key).push(value.replace(/^[ \t]+|[ \t]+$/g, ''));
  }
  const headers = {};
  for (const [name, values] of grouped) headers[name] = values.join(',');
  return {
    method: entry.method, protocol: 'https:', hostname: headers.host, path, query, headers,
    body: Buffer.from(entry.body_base64, 'base64'),
  };
}

async function main() {
  const corpus = JSON.parse(fs.readFileSync(corpusFile, 'utf8'));
  const out = [];
  for (const entry of corpus) {
    const credentials = { accessKeyId: entry.access_key_id, secretAccessKey: entry.secret_access_key };
    if (entry.session_token) credentials.sessionToken = entry.session_token;
    const signer = new SignatureV4({
      credentials, region: entry.region, service: entry.service, sha256: Sha256, applyChecksum: false,
    });
    const signed = await signer.sign(toSmithy(entry), { signingDate: new Date(entry.time_ms) });
    out.push(signed.headers['x-amz-date'] + '\t' + signed.headers['authorization']);
  }
  process.stdout.write(out.join('\n') + '\n');
}

main().catch((e) => { console.error(e.stack || String(e)); process.exit(1); });
