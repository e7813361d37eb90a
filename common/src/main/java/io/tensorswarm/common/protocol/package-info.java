/**
 * The round protocol's shared facts: how models and deltas are identified (SHA-256 of their
 * canonical safetensors bytes) and the metadata keys a delta file carries.
 */
package io.tensorswarm.common.protocol;
