/**
 * Substrate hashing: {@link io.tensorswarm.chain.hash.Hashing} (twox64/128/256, BLAKE2b), the
 * {@link io.tensorswarm.chain.hash.StorageHasher} enum of storage-map hashers and {@link
 * io.tensorswarm.chain.hash.StorageKey} for building storage keys. Depends only on {@code scale};
 * BLAKE2b comes from BouncyCastle, xxHash64 is implemented here.
 */
package io.tensorswarm.chain.hash;
