package io.tensorswarm.common.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ShutdownTest {
    @Test
    void aRequestWakesASleepingLoopAtOnceAndRunsActionsOnce() throws Exception {
        Shutdown shutdown = Shutdown.manual(Duration.ofSeconds(5));
        AtomicInteger actions = new AtomicInteger();
        shutdown.onRequest(actions::incrementAndGet);
        Thread requester = new Thread(() -> {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
            shutdown.request();
            shutdown.request();
        });
        requester.start();
        long start = System.nanoTime();
        assertTrue(shutdown.sleep(Duration.ofMinutes(5)));
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(5).toNanos());
        requester.join();
        assertTrue(shutdown.requested());
        assertEquals(1, actions.get());
    }

    @Test
    void anActionRegisteredAfterTheRequestRunsImmediately() {
        Shutdown shutdown = Shutdown.manual(Duration.ZERO);
        shutdown.request();
        AtomicInteger ran = new AtomicInteger();
        shutdown.onRequest(ran::incrementAndGet);
        assertEquals(1, ran.get());
    }

    @Test
    void sleepWithoutARequestSleepsTheWholeTime() throws Exception {
        Shutdown shutdown = Shutdown.manual(Duration.ofSeconds(1));
        long start = System.nanoTime();
        assertFalse(shutdown.sleep(Duration.ofMillis(150)));
        assertTrue(System.nanoTime() - start >= Duration.ofMillis(140).toNanos());
    }

    @Test
    void awaitFinishedIsBoundedByTheGrace() throws Exception {
        Shutdown shutdown = Shutdown.manual(Duration.ofMillis(200));
        assertFalse(shutdown.awaitFinished());
        shutdown.finished();
        assertTrue(shutdown.awaitFinished());
    }
}
