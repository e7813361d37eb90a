package io.tensorswarm.common.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorswarm.common.ops.http.HttpLimits;
import io.tensorswarm.common.ops.http.RawHttp;
import io.tensorswarm.common.ops.http.SlowLoris;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Adversaries against a daemon's {@code /metrics} and {@code /health} ({@link OpsServer}): slow
 * headers, too many connections from one address, floods, oversized and over-many headers. Each
 * honest probe comes from 127.0.0.1 and must be answered within 1 s; the adversaries use other
 * loopback addresses.
 */
class OpsServerAbuseTest {
    private static DaemonMetrics metrics() {
        DaemonMetrics m = DaemonMetrics.forTests(new Health(Clock.systemUTC(), Duration.ofMinutes(5)));
        m.health().running();
        return m;
    }

    private static void answersWithinASecond(int port, String path) throws Exception {
        RawHttp.Reply r = RawHttp.get("127.0.0.1", port, path, 1000);
        assertEquals(200, r.status(), path + " did not answer within 1 s: " + r.text());
        assertTrue(r.millis() < 1000, path + " took " + r.millis() + " ms");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void slowHeaderConnectionsNeitherBlockMetricsAndHealthNorStayOpen() throws Exception {
        HttpLimits limits = HttpLimits.ops().toBuilder().optHeaderTimeout(Duration.ofSeconds(2)).build();
        DaemonMetrics metrics = metrics();
        try (OpsServer server = OpsServer.start("127.0.0.1", 0, metrics, limits);
                SlowLoris loris = new SlowLoris(server.port(), List.of("127.0.0.2", "127.0.0.3", "127.0.0.4",
                        "127.0.0.5", "127.0.0.6"), 8, "/metrics", 200)) {
            for (int i = 0; i < 5; i++) {
                answersWithinASecond(server.port(), "/metrics");
                answersWithinASecond(server.port(), "/health");
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (loris.closedByServer() < loris.size() && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertEquals(loris.size(), loris.closedByServer(),
                    "a head still unfinished after the header timeout must be cut, though bytes keep coming");
            answersWithinASecond(server.port(), "/health");
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void oneAddressCannotHoldMoreThanItsShareOfConnections() throws Exception {
        DaemonMetrics metrics = metrics();
        try (OpsServer server = OpsServer.start("127.0.0.1", 0, metrics);
                SlowLoris loris = new SlowLoris(server.port(), List.of("127.0.0.2"), 100, "/health", 200)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (loris.closedByServer() < 100 - HttpLimits.ops().maxConnectionsPerAddress()
                    && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertTrue(loris.closedByServer() >= 100 - HttpLimits.ops().maxConnectionsPerAddress(),
                    "closed " + loris.closedByServer() + " of 100");
            answersWithinASecond(server.port(), "/health");
            answersWithinASecond(server.port(), "/metrics");
            assertTrue(scrape(server.port()).contains("tensorswarm_errors_total{kind=\"http_connection_limited\"}"));
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aFloodFromOneAddressIsRateLimitedWhileOthersAreServed() throws Exception {
        try (OpsServer server = OpsServer.start("127.0.0.1", 0, metrics())) {
            int limited = 0;
            for (int i = 0; i < 300; i++) {
                int status = RawHttp.get("127.0.0.9", server.port(), "/metrics", 2000).status();
                if (status == 429) {
                    limited++;
                } else {
                    assertEquals(200, status);
                }
            }
            assertTrue(limited > 0, "300 scrapes at once from one address: none refused");
            answersWithinASecond(server.port(), "/metrics");
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void requestsWithTooManyOrTooLargeHeadersAreRefused() throws Exception {
        try (OpsServer server = OpsServer.start("127.0.0.1", 0, metrics())) {
            StringBuilder many = new StringBuilder("GET /health HTTP/1.1\r\nHost: x\r\n");
            for (int i = 0; i < 100; i++) {
                many.append("X-H").append(i).append(": v\r\n");
            }
            assertEquals(431, RawHttp.send("127.0.0.1", server.port(), many + "\r\n", 2000).status());
            String huge = "GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n";
            assertEquals(431, RawHttp.send("127.0.0.1", server.port(), huge, 2000).status());
            assertEquals(405, RawHttp.send("127.0.0.1", server.port(),
                    "POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", 2000).status());
            answersWithinASecond(server.port(), "/health");
        }
    }

    private static String scrape(int port) throws Exception {
        return RawHttp.get("127.0.0.1", port, "/metrics", 2000).text();
    }
}
