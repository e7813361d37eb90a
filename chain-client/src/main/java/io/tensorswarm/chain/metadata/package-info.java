/**
 * Runtime metadata V14/V15/V16: {@link io.tensorswarm.chain.metadata.MetadataDecoder} turns the
 * {@code state_getMetadata} bytes into {@link io.tensorswarm.chain.metadata.RuntimeMetadata}
 * (type registry, pallets with calls, storage, events, errors and constants, signed extensions,
 * runtime APIs); {@link io.tensorswarm.chain.metadata.ValueDecoder} and {@link
 * io.tensorswarm.chain.metadata.ValueEncoder} read and write any registry type as plain Java
 * values.
 *
 * <p>Depends on {@code scale} and {@code hash} only. Never hard-code pallet or call indices: read
 * them from the metadata of the runtime you talk to.
 */
package io.tensorswarm.chain.metadata;
