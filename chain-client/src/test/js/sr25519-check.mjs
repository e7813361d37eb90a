// Cross-checks Tensorswarm's Java sr25519 against @polkadot/util-crypto (wasm schnorrkel).
// Usage: node sr25519-check.mjs <dir with node_modules>  < request.json  > response.json
// Request:  {"verify":[{"publicKey","message","signature"}], "sign":[{"miniSecret","message"}],
//            "mnemonics":["..."]}            (all byte strings are lowercase hex without 0x)
// Response: {"verified":[bool], "signed":[{"publicKey","signature"}],
//            "mnemonicKeys":[{"miniSecret","publicKey"}]}
import { createRequire } from 'node:module';
import path from 'node:path';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node sr25519-check.mjs <dir with node_modules>');
  process.exit(2);
}
const require = createRequire(path.join(path.resolve(dir), 'package.json'));
const { cryptoWaitReady, sr25519PairFromSeed, sr25519Sign, sr25519Verify, mnemonicToMiniSecret } =
  require('@polkadot/util-crypto');
const { hexToU8a, u8aToHex } = require('@polkadot/util');

const bytes = (hex) => hexToU8a('0x' + hex);
const hex = (u8a) => u8aToHex(u8a).slice(2);

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

await cryptoWaitReady();
const request = await readStdin();
const verified = (request.verify ?? []).map((v) =>
  sr25519Verify(bytes(v.message), bytes(v.signature), bytes(v.publicKey)));
const signed = (request.sign ?? []).map((s) => {
  const pair = sr25519PairFromSeed(bytes(s.miniSecret));
  return { publicKey: hex(pair.publicKey), signature: hex(sr25519Sign(bytes(s.message), pair)) };
});
const mnemonicKeys = (request.mnemonics ?? []).map((m) => {
  const mini = mnemonicToMiniSecret(m);
  return { miniSecret: hex(mini), publicKey: hex(sr25519PairFromSeed(mini).publicKey) };
});
process.stdout.write(JSON.stringify({ verified, signed, mnemonicKeys }));
