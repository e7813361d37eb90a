/** Shared picocli pieces for the daemons: exit codes, one-line errors, versions, logging flags. */
package io.tensorswarm.common.cli;
