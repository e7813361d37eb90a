package io.tensorswarm.common.cli;

import picocli.CommandLine;

/** Returns the version written into the jar's manifest, or {@code dev} when run from classes. */
public final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"tensorswarm " + version()};
    }

    /** The jar's version, or {@code dev}. */
    public static String version() {
        String v = VersionProvider.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
