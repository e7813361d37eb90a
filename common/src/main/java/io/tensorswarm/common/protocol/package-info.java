/**
 * The round protocol's shared formats, which every daemon (and any third-party implementation) must
 * agree on byte for byte: the {@link io.tensorswarm.common.protocol.RoundClock round clock}, delta
 * {@link io.tensorswarm.common.protocol.DeltaCodec codecs} and {@link
 * io.tensorswarm.common.protocol.ErrorFeedback error feedback}, the signed {@link
 * io.tensorswarm.common.protocol.DeltaManifest manifest}, the object-store {@link
 * io.tensorswarm.common.protocol.StorageLayout layout} and {@link
 * io.tensorswarm.common.protocol.LatestPointer latest pointer}, and the on-chain {@link
 * io.tensorswarm.common.protocol.CommitmentPayload commitment} payload. Models and deltas are identified by
 * the SHA-256 of their canonical safetensors bytes ({@link io.tensorswarm.common.protocol.Sha256}).
 *
 * <p>Everything read from the network is hostile: parsers cap sizes before reading, check the
 * schema before allocating, and throw a {@link io.tensorswarm.common.protocol.ProtocolException}
 * subclass whose {@code kind()} a daemon can branch on. Signing and verification are interfaces
 * ({@link io.tensorswarm.common.protocol.ManifestSigner}, {@link
 * io.tensorswarm.common.protocol.SignatureVerifier}) that {@code chain-client} implements with
 * sr25519, so this package needs no cryptography beyond SHA-256. The formats are specified for
 * implementers in {@code docs/protocol.md}.
 */
package io.tensorswarm.common.protocol;
