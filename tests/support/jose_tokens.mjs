// Keys and tokens made with the npm `jose` package, for relay's JWT tests.
// node jose_tokens.mjs NPM_DIR < spec.json
// spec: {"tokens": [{"key": "rsa"|"ec"|"other"|"hs-rsa-public"|"none", "alg"?, "kid"?, "claims", "tamper"?}]}
// "kid": null leaves the header without one; "tamper" replaces the payload after signing.
// Prints {"jwks": {rsa, ec}, "jwks_other": {other}, "jwks_all": {rsa, ec, other}, "tokens": [...]}.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const jose = await import(pathToFileURL(join(process.argv[2], 'node_modules/jose/dist/webapi/index.js')).href);
const spec = JSON.parse(readFileSync(0, 'utf8'));

const make = async (alg, kid) => {
  const pair = await jose.generateKeyPair(alg, { extractable: true });
  const jwk = await jose.exportJWK(pair.publicKey);
  return { alg, kid, privateKey: pair.privateKey, publicKey: pair.publicKey, jwk: { ...jwk, kid, use: 'sig', alg } };
};
const keys = { rsa: await make('RS256', 'rsa-1'), ec: await make('ES256', 'ec-1'), other: await make('RS256', 'rsa-2') };
const b64url = (text) => Buffer.from(text).toString('base64url');

const token = async (t) => {
  if (t.key === 'none') return new jose.UnsecuredJWT(t.claims).encode();
  if (t.key === 'hs-rsa-public') {
    // The classic confusion: the RSA public key (as PEM) used as an HMAC secret.
    const pem = await jose.exportSPKI(keys.rsa.publicKey);
    return new jose.SignJWT(t.claims)
      .setProtectedHeader({ alg: 'HS256', kid: 'rsa-1', typ: 'JWT' })
      .sign(new TextEncoder().encode(pem));
  }
  const key = keys[t.key];
  const header = { alg: t.alg ?? key.alg, typ: 'JWT' };
  const kid = t.kid === undefined ? key.kid : t.kid;
  if (kid !== null) header.kid = kid;
  // A header naming another algorithm than the key's: signed as the key signs, header swapped.
  const signed = await new jose.SignJWT(t.claims).setProtectedHeader({ ...header, alg: key.alg }).sign(key.privateKey);
  const lying = header.alg === key.alg ? signed : b64url(JSON.stringify(header)) + signed.slice(signed.indexOf('.'));
  if (!t.tamper) return lying;
  const [h, , s] = lying.split('.');
  return h + '.' + b64url(JSON.stringify(t.tamper)) + '.' + s;
};

const tokens = [];
for (const t of spec.tokens) tokens.push(await token(t));
const set = (...names) => ({ keys: names.map((n) => keys[n].jwk) });
process.stdout.write(JSON.stringify({ jwks: set('rsa', 'ec'), jwks_other: set('other'), jwks_all: set('rsa', 'ec', 'other'), tokens }));
