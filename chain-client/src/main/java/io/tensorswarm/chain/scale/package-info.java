/**
 * SCALE codec (parity-scale-codec): {@link io.tensorswarm.chain.scale.ScaleReader} and {@link
 * io.tensorswarm.chain.scale.ScaleWriter} for fixed and compact integers, bool, Option, Vec,
 * strings, raw bytes and AccountId32, plus the transaction {@link io.tensorswarm.chain.scale.Era}.
 *
 * <p>Depends on nothing else in the chain client; {@code hash}, {@code metadata} and {@code calls}
 * build on it. Decoding errors are {@link io.tensorswarm.chain.scale.ScaleDecodeException}.
 */
package io.tensorswarm.chain.scale;
