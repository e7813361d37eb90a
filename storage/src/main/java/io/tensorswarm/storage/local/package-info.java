/** The {@code file://} backend: a directory on a local or mounted file system. */
package io.tensorswarm.storage.local;
