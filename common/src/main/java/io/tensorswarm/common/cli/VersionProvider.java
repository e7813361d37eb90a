package io.tensorswarm.common.cli;

import picocli.CommandLine;

/** Returns the version written into the jar's manifest, or {@code dev} when run from classes. */
public final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = VersionProvider.class.getPackage().getImplementationVersion();
        return new String[] {"tensorswarm " + (v == null ? "dev" : v)};
    }
}
