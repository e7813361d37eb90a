/**
 * Transfer machinery the backends share: retry with backoff, and the resumable, capped, verified
 * download into a file. Public only so backends in sibling packages can use it; not a stable API.
 */
package io.tensorswarm.storage.transfer;
