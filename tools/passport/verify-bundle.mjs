#!/usr/bin/env node
// Runs the passport page's bundle verifier (Sources/AssayReport/Passport/web/verifier.js) under Node,
// exactly as a browser runs it: the script is loaded as a classic script into this context and
// uses only Web Crypto (globalThis.crypto.subtle, Ed25519 and SHA-256: Node 20 or later).
//
// Usage: node tools/passport/verify-bundle.mjs <bundle.assay-bundle> <trust.json>
//   trust.json: {"logKey", "origin", "product", "witnessKeys": [...], "witnessesNeeded": n, "since"?}
// Prints the verifier's result as JSON; exit 0 when the bundle's integrity holds, 1 when it does
// not, 2 for a usage error (a missing file, trust.json not JSON).
import { readFileSync } from 'node:fs';
import { runInThisContext } from 'node:vm';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const verifierPath = join(here, '..', '..', 'Sources', 'AssayReport', 'Passport', 'web', 'verifier.js');

function usage(message) {
  process.stderr.write(`verify-bundle: ${message}\nusage: node tools/passport/verify-bundle.mjs <bundle> <trust.json>\n`);
  process.exit(2);
}

const [bundlePath, trustPath] = process.argv.slice(2);
if (!bundlePath || !trustPath || process.argv.length > 4) usage('give a bundle and a trust file');
if (!globalThis.crypto?.subtle) usage('this Node has no Web Crypto (globalThis.crypto.subtle): use Node 20 or later');

let bundle, trust;
try {
  bundle = new Uint8Array(readFileSync(bundlePath));
} catch (e) {
  usage(`cannot read the bundle ${bundlePath}: ${e.message}`);
}
try {
  trust = JSON.parse(readFileSync(trustPath, 'utf8'));
} catch (e) {
  usage(`cannot read the trust file ${trustPath}: ${e.message}`);
}

runInThisContext(readFileSync(verifierPath, 'utf8'), { filename: verifierPath });
// The bundle goes in as bytes, so it is parsed exactly as Assay parses it (duplicate names, depth).
const result = await globalThis.AssayVerifier.verifyBundle(bundle, trust);
process.stdout.write(JSON.stringify(result, null, 2) + '\n');
process.exit(result.ok ? 0 : 1);
