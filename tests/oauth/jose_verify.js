// Verifies relay's tokens with the npm `jose` package, a real peer:
//   node jose_verify.js NPM_DIR JWKS_FILE TOKENS_FILE ISSUER AUDIENCE NOW_SECONDS
// One line per token (one per line in TOKENS_FILE): "ok SUB ROLES_JSON" or "refused CODE".
const fs = require('fs');
const [npmDir, jwksFile, tokensFile, issuer, audience, now] = process.argv.slice(2);

(async () => {
  const { pathToFileURL } = require('url');
  const path = require('path');
  const jose = await import(pathToFileURL(path.join(npmDir, 'node_modules/jose/dist/webapi/index.js')).href);
  const keys = jose.createLocalJWKSet(JSON.parse(fs.readFileSync(jwksFile, 'utf8')));
  const tokens = fs.readFileSync(tokensFile, 'utf8').split('\n').filter((t) => t);
  for (const token of tokens) {
    try {
      const { payload } = await jose.jwtVerify(token, keys, {
        issuer, audience, algorithms: ['ES256'], currentDate: new Date(Number(now) * 1000),
      });
      console.log(`ok ${payload.sub} ${JSON.stringify(payload.roles)}`);
    } catch (e) {
      console.log(`refused ${e.code}`);
    }
  }
})().catch((e) => { console.error(e); process.exit(2); });
