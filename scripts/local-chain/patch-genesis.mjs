// Usage: node patch-genesis.mjs <raw-chain-spec.json> <out.json> [genesis-time-ms]
//
// Pins the genesis timestamp and the matching Aura slot in a raw subtensor chain spec, so that the
// first block chopsticks builds always agrees with its timestamp inherent (without this, about one
// start in three stalls at block 0 with "Timestamp slot must match CurrentSlot").
// Needs no packages: the two storage keys are fixed, twox128(pallet) ++ twox128(item), and are
// checked by chain-client's StorageKey tests' algorithm (io.tensorswarm.chain.hash.StorageKey.prefix).
import { readFileSync, writeFileSync } from 'node:fs';

const TIMESTAMP_NOW = '0xf0c365c3cf59d671eb72da0e7a4113c49f1f0515f462cdcf84e0f1d6045dfcbb';
const AURA_CURRENT_SLOT = '0x57f8dc2f5ab09467896f47300f04243806155b3cd9a8c9e5e9a23fd5dc13a5ed';
const SLOT_DURATION_MS = 3000n; // raonet builds use 3 s blocks

function u64le(value) {
  let hex = '';
  for (let i = 0n; i < 8n; i++) {
    hex += ((value >> (8n * i)) & 0xffn).toString(16).padStart(2, '0');
  }
  return '0x' + hex;
}

const [input, output, when] = process.argv.slice(2);
if (!input || !output) {
  console.error('usage: node patch-genesis.mjs <raw-chain-spec.json> <out.json> [genesis-time-ms]');
  process.exit(2);
}
const genesisMs = BigInt(when ?? '1735689600000'); // 2025-01-01T00:00:00Z
const spec = JSON.parse(readFileSync(input, 'utf8'));
const top = spec?.genesis?.raw?.top;
if (!top) {
  console.error(`${input} is not a raw chain spec (no genesis.raw.top)`);
  process.exit(1);
}
top[TIMESTAMP_NOW] = u64le(genesisMs);
top[AURA_CURRENT_SLOT] = u64le(genesisMs / SLOT_DURATION_MS);
writeFileSync(output, JSON.stringify(spec));
console.log(`patched ${output}: genesis time ${genesisMs} ms, Aura slot ${genesisMs / SLOT_DURATION_MS}`);
