/**
 * The {@code s3://bucket/prefix} backend on the AWS SDK v2 synchronous client: parallel multipart
 * uploads that resume after a crash, ranged downloads that resume after a broken connection, our
 * own retry with backoff on throttling and 5xx, and a SHA-256 stored as object metadata and
 * checked on every download.
 */
package io.tensorswarm.storage.s3;
