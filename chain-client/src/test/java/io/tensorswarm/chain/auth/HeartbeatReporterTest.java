package io.tensorswarm.chain.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorswarm.chain.crypto.Sr25519KeyPair;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** {@link HeartbeatReporter}: when it sends, and that a failing orchestrator never reaches the caller. */
class HeartbeatReporterTest {
    private static final Sr25519KeyPair EVE = Sr25519KeyPair.fromUri("//Eve");
    private static final Duration INTERVAL = Duration.ofSeconds(30);

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final AtomicInteger failures = new AtomicInteger();

    private HeartbeatReporter reporter(String url, Duration timeout) {
        return new HeartbeatReporter(new OrchestratorClient(url, EVE, 1, timeout, Clock.systemUTC()), INTERVAL,
                now::get, failures::incrementAndGet);
    }

    @Test
    void eventsGoAtOnceAndWaitsOncePerInterval() throws Exception {
        try (VerifyingHeartbeatServer server = new VerifyingHeartbeatServer(RequestVerifier.builder().setNetuid(1).build());
                HeartbeatReporter heartbeats = reporter(server.url(), Duration.ofSeconds(5))) {
            assertTrue(heartbeats.send(HeartbeatStats.of("miner", "starting")));
            assertTrue(heartbeats.send(HeartbeatStats.of("miner", "r=1 published")), "events are not throttled");
            AtomicInteger made = new AtomicInteger();
            for (int second = 1; second <= 65; second++) {
                now.addAndGet(1_000);
                heartbeats.sendIfDue(() -> {
                    made.incrementAndGet();
                    return HeartbeatStats.of("miner", "waiting");
                });
            }
            assertEquals(2, made.get(), "one waiting heartbeat at 30 s and one at 60 s; stats made only then");
            assertEquals(4, server.accepted.size());
            assertEquals(4, heartbeats.sent());
            assertEquals(0, failures.get());
        }
    }

    @Test
    void aDownOrchestratorIsTriedOncePerIntervalNeverThrowsAndEachFailureIsCounted() throws Exception {
        try (VerifyingHeartbeatServer server = new VerifyingHeartbeatServer(RequestVerifier.builder().setNetuid(1).build());
                HeartbeatReporter heartbeats = reporter(server.url(), Duration.ofSeconds(5))) {
            server.forcedStatus = 503;
            assertFalse(heartbeats.send(HeartbeatStats.of("miner", "starting")));
            for (int i = 0; i < 10; i++) {
                now.addAndGet(1_000);
                assertFalse(heartbeats.send(HeartbeatStats.of("miner", "r=" + i + " published")));
                assertFalse(heartbeats.sendIfDue(() -> HeartbeatStats.of("miner", "waiting")));
            }
            assertEquals(1, server.requests.get(), "no second try within the interval, events included");
            assertEquals(1, failures.get());

            now.addAndGet(INTERVAL.toMillis());
            assertFalse(heartbeats.send(HeartbeatStats.of("miner", "r=11 published")));
            assertEquals(2, server.requests.get());
            assertEquals(2, failures.get());

            server.forcedStatus = 0; // back up
            now.addAndGet(INTERVAL.toMillis());
            assertTrue(heartbeats.sendIfDue(() -> HeartbeatStats.of("miner", "waiting")));
            assertTrue(heartbeats.send(HeartbeatStats.of("miner", "r=12 published")), "events go at once again");
            assertEquals(2, heartbeats.sent());
            assertEquals(2, heartbeats.failed());
        }
    }

    @Test
    void anUnreachableOrchestratorCostsAtMostTheTimeoutPerInterval() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                HeartbeatReporter heartbeats = reporter("http://127.0.0.1:" + silent.getLocalPort(), Duration.ofMillis(300))) {
            long start = System.nanoTime();
            for (int i = 0; i < 20; i++) {
                heartbeats.send(HeartbeatStats.of("validator", "r=" + i));
                heartbeats.sendIfDue(() -> HeartbeatStats.of("validator", "waiting"));
                now.addAndGet(1_000);
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(1, failures.get(), "20 s of calls: one try");
            assertTrue(millis < 1_300, "one 300 ms timeout, not twenty: " + millis + " ms");
        }
    }

    @Test
    void aStatsSupplierThatThrowsAndAClosedReporterSendNothing() throws Exception {
        try (VerifyingHeartbeatServer server = new VerifyingHeartbeatServer(RequestVerifier.builder().setNetuid(1).build())) {
            HeartbeatReporter heartbeats = reporter(server.url(), Duration.ofSeconds(5));
            assertFalse(heartbeats.sendIfDue(() -> {
                throw new IllegalStateException("bug in the caller");
            }));
            heartbeats.close();
            assertFalse(heartbeats.send(HeartbeatStats.of("miner", "after close")));
            assertEquals(0, server.requests.get());
            HeartbeatReporter off = HeartbeatReporter.off();
            assertFalse(off.enabled());
            assertFalse(off.send(HeartbeatStats.of("miner", "nowhere")));
        }
    }
}
