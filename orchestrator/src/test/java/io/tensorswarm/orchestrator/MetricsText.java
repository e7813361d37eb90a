package io.tensorswarm.orchestrator;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** Reads sample values from a registry's Prometheus text exposition, as a scraper would see them. */
public final class MetricsText {
    private MetricsText() {}

    /** Returns the exposition text of {@code registry}. */
    public static String of(PrometheusRegistry registry) {
        return PrometheusTextFormatWriter.create().toDebugString(registry.scrape());
    }

    /**
     * Returns the value of the sample whose name-and-labels part is exactly {@code series} (e.g.
     * {@code tensorswarm_errors_total{kind="chain"}}) in {@code text}, or NaN when absent.
     */
    public static double value(String text, String series) {
        for (String line : text.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim().split(" ")[0]);
            }
        }
        return Double.NaN;
    }
}
