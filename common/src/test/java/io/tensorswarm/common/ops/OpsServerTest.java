package io.tensorswarm.common.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class OpsServerTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** A clock the test moves by hand. */
    private static final class HandClock extends Clock {
        final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-23T00:00:00Z"));

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }

        void advance(Duration d) {
            now.updateAndGet(i -> i.plus(d));
        }
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void metricsAreScrapedInPrometheusTextFormat() throws Exception {
        DaemonMetrics metrics = DaemonMetrics.forTests(new Health(Clock.systemUTC(), Duration.ofMinutes(5)));
        metrics.identity(new LogIdentity("validator", "5Abc", 3), "1.2.3");
        metrics.round(7);
        metrics.loss("base", 3.25);
        metrics.scores(Map.of("5Miner1", 0.5, "5Miner2", 0.25));
        metrics.scores(Map.of("5Miner1", 0.75));
        metrics.error("chain");
        metrics.error("chain");
        metrics.bytesDownloaded(1000);
        metrics.weightsSet();
        try (OpsServer server = OpsServer.start("127.0.0.1", 0, metrics)) {
            HttpResponse<String> r = get(server.port(), "/metrics");
            assertEquals(200, r.statusCode());
            String body = r.body();
            assertTrue(body.contains("tensorswarm_round 7.0"), body);
            assertTrue(body.contains("tensorswarm_loss{kind=\"base\"} 3.25"), body);
            assertTrue(body.contains("tensorswarm_score{hotkey=\"5Miner1\"} 0.75"), body);
            assertFalse(body.contains("5Miner2"), "a miner no longer scored disappears:\n" + body);
            assertTrue(body.contains("tensorswarm_errors_total{kind=\"chain\"} 2.0"), body);
            assertTrue(body.contains("tensorswarm_bytes_downloaded_total 1000.0"), body);
            assertTrue(body.contains("tensorswarm_weights_set_total 1.0"), body);
            assertTrue(body.contains("tensorswarm_info{daemon=\"validator\",hotkey=\"5Abc\",netuid=\"3\",version=\"1.2.3\"} 1.0"), body);
            assertEquals(404, get(server.port(), "/nothing").statusCode());
        }
    }

    @Test
    void healthTurnsUnhealthyWhenProgressStallsAndWhileStopping() throws Exception {
        HandClock clock = new HandClock();
        Health health = new Health(clock, Duration.ofMinutes(10));
        DaemonMetrics metrics = DaemonMetrics.forTests(health);
        ObjectMapper json = new ObjectMapper();
        try (OpsServer server = OpsServer.start("127.0.0.1", 0, metrics)) {
            HttpResponse<String> starting = get(server.port(), "/health");
            assertEquals(200, starting.statusCode());
            assertEquals("starting", json.readTree(starting.body()).get("status").asText());

            health.running();
            metrics.round(4);
            clock.advance(Duration.ofMinutes(9));
            HttpResponse<String> ok = get(server.port(), "/health");
            assertEquals(200, ok.statusCode());
            JsonNode body = json.readTree(ok.body());
            assertEquals("ok", body.get("status").asText());
            assertEquals(4, body.get("round").asLong());
            assertEquals(540, body.get("seconds_since_progress").asLong());

            clock.advance(Duration.ofMinutes(2));
            HttpResponse<String> stalled = get(server.port(), "/health");
            assertEquals(503, stalled.statusCode());
            assertEquals("stalled", json.readTree(stalled.body()).get("status").asText());

            metrics.step(1); // progress heals it
            assertEquals(200, get(server.port(), "/health").statusCode());

            health.stopping();
            HttpResponse<String> stopping = get(server.port(), "/health");
            assertEquals(503, stopping.statusCode());
            assertEquals("stopping", json.readTree(stopping.body()).get("status").asText());
        }
    }

    @Test
    void aTakenPortIsAClearError() {
        DaemonMetrics metrics = DaemonMetrics.unexported();
        try (OpsServer first = OpsServer.start("127.0.0.1", 0, metrics)) {
            UncheckedIOException e = assertThrows(UncheckedIOException.class,
                    () -> OpsServer.start("127.0.0.1", first.port(), metrics));
            assertTrue(e.getMessage().contains("cannot serve metrics on 127.0.0.1:" + first.port()), e.getMessage());
        }
    }

    @Test
    void metricLabelsAreCheckedSoNoCallerCanExplodeCardinalityWithFreeText() {
        DaemonMetrics metrics = DaemonMetrics.unexported();
        assertThrows(IllegalArgumentException.class, () -> metrics.error("connection reset by peer"));
        assertThrows(IllegalArgumentException.class, () -> metrics.loss("", 1.0));
    }
}
