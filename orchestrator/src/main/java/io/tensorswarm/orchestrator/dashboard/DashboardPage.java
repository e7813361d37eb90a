package io.tensorswarm.orchestrator.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The dashboard page: one self-contained HTML file (inline CSS and JavaScript, no external
 * resources, so it works offline) that fetches {@code /v1/dashboard} every 5 s and draws its plots
 * as inline SVG: the loss of each base revision over rounds, each miner's incentive over rounds,
 * current incentive and validator scores per miner, round progress, and miner health (commitments
 * per round and heartbeat age).
 */
public final class DashboardPage {
    /** The page's resource path. */
    public static final String RESOURCE = "/io/tensorswarm/orchestrator/dashboard/dashboard.html";
    private static final byte[] HTML = load();

    private DashboardPage() {}

    /** Returns the page's bytes (UTF-8); a copy. */
    public static byte[] html() {
        return HTML.clone();
    }

    private static byte[] load() {
        try (InputStream in = DashboardPage.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + RESOURCE + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }
}
