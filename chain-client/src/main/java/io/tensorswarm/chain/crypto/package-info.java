/**
 * Substrate keys in pure Java: sr25519 (Schnorrkel over Ristretto255, via curve25519-elisabeth),
 * Merlin transcripts over STROBE-128, substrate-bip39 mnemonics, SS58 addresses and hard/soft
 * derivation (chain-spec §6). Signing always uses the "substrate" context.
 *
 * <p>Dependencies run one way: this package uses {@code io.tensorswarm.common} and BouncyCastle
 * only; {@code chain.wallet}, {@code chain.extrinsic} and the RPC layer use it, never the reverse.
 *
 * <p>Secrets (mini-secrets, scalars, nonces, phrases) never appear in {@code toString()},
 * exception messages or logs.
 *
 * <p>The bundled {@code bip39-english.txt} is the BIP39 English word list from the bitcoin/bips
 * repository ({@code bip-0039/english.txt}, SHA-256
 * {@code 2f5eed53a4727b4bf8880d8f3f199efc90e58503646d9ff8eff3a2ed3b24dbda}), taken from the npm
 * package {@code bip39} 3.1.2 ({@code src/wordlists/english.json}, ISC licence); the list itself
 * is distributed by the BIPs repository under a permissive licence.
 *
 * <pre>{@code
 * Sr25519KeyPair pair = Sr25519KeyPair.fromMnemonic(Mnemonic.parse(phrase));
 * byte[] sig = pair.sign(payload);
 * boolean ok = Sr25519PublicKey.fromSs58(pair.ss58Address()).verify(payload, sig);
 * }</pre>
 */
package io.tensorswarm.chain.crypto;
