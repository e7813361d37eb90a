/**
 * Object storage for deltas and base models: local files, S3 and the Hugging Face Hub behind one
 * {@link io.tensorswarm.storage.ObjectStore} interface, chosen by location URI through
 * {@link io.tensorswarm.storage.ObjectStores}. Backends are {@link java.util.ServiceLoader}
 * providers; {@link io.tensorswarm.common.protocol.StorageLayout} names the keys the daemons use.
 *
 * <p>Dependencies run one way: {@code storage} (API) ← {@code transfer} ← backends
 * ({@code local}, {@code s3}, {@code hf}) ← {@code cli}.
 */
package io.tensorswarm.storage;
