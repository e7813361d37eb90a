package io.tensorswarm.miner.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads a daemon's Prometheus text exposition over HTTP, as Prometheus would. */
public final class Metrics {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private Metrics() {}

    /** Returns the body of {@code GET http://127.0.0.1:<port>/metrics}. */
    public static String scrape(int port) throws IOException, InterruptedException {
        return get(port, "/metrics").body();
    }

    /** Returns the response to {@code GET http://127.0.0.1:<port><path>}. */
    public static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Returns the value of {@code series} (a metric name with its labels exactly as exposed, e.g.
     * {@code tensorswarm_loss{kind="train"}}), or empty when the text does not have it.
     */
    public static OptionalDouble value(String text, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
        return m.find() ? OptionalDouble.of(Double.parseDouble(m.group(1))) : OptionalDouble.empty();
    }
}
