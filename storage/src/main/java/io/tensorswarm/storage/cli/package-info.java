/**
 * The {@code storage} operator subcommands every daemon jar carries: {@code check}, {@code put},
 * {@code get} and {@code ls} against a {@code --location}.
 */
package io.tensorswarm.storage.cli;
