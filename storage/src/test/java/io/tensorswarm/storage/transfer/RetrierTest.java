package io.tensorswarm.storage.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tensorswarm.storage.StorageException;
import io.tensorswarm.storage.StorageException.Kind;
import io.tensorswarm.storage.StorageOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetrierTest {
    private final List<Duration> slept = new ArrayList<>();
    private final Retrier retrier = new Retrier(StorageOptions.builder()
            .optMaxAttempts(5)
            .optBackoff(Duration.ofMillis(100), Duration.ofMillis(300))
            .optSleeper(slept::add)
            .build());

    @Test
    void retriesThrottlingAndServerErrorsWithDoublingCappedBackoff() {
        int[] calls = {0};
        String result = retrier.call("op", () -> {
            calls[0]++;
            if (calls[0] <= 3) {
                throw new StorageException(calls[0] == 1 ? Kind.THROTTLED : Kind.UNAVAILABLE, "503");
            }
            return "ok";
        });
        assertEquals("ok", result);
        assertEquals(4, calls[0]);
        assertEquals(List.of(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(300)), slept);
    }

    @Test
    void waitsWhatRetryAfterSays() {
        int[] calls = {0};
        retrier.call("op", () -> {
            if (calls[0]++ == 0) {
                throw new StorageException(Kind.THROTTLED, "429", null, Duration.ofSeconds(7));
            }
            return null;
        });
        assertEquals(List.of(Duration.ofSeconds(7)), slept);
    }

    @Test
    void givesUpAfterMaxAttemptsWithTheLastError() {
        int[] calls = {0};
        StorageException e = assertThrows(StorageException.class, () -> retrier.call("op", () -> {
            calls[0]++;
            throw new StorageException(Kind.UNAVAILABLE, "down " + calls[0]);
        }));
        assertEquals(5, calls[0]);
        assertEquals("down 5", e.getMessage());
    }

    @Test
    void doesNotRetryPermanentFailures() {
        int[] calls = {0};
        assertThrows(StorageException.class, () -> retrier.call("op", () -> {
            calls[0]++;
            throw new StorageException(Kind.ACCESS_DENIED, "403");
        }));
        assertEquals(1, calls[0]);
        assertEquals(List.of(), slept);
    }
}
