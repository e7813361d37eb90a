/**
 * Object storage for deltas and base models: local files, S3 and the Hugging Face Hub behind one
 * interface. Being built under issue 5; nothing here yet.
 */
package io.tensorswarm.storage;
