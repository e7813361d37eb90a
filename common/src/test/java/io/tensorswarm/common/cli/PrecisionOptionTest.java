package io.tensorswarm.common.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorswarm.common.model.Precision;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code --precision} parses fp32 and bf16 in any case, defaults to fp32, and refuses anything else in one line. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class PrecisionOptionTest {
    @Command(name = "probe")
    static final class Probe implements Runnable {
        @Mixin PrecisionOption precision;

        @Override
        public void run() {}
    }

    private static Probe parse(String... args) {
        Probe probe = new Probe();
        new CommandLine(probe).parseArgs(args);
        return probe;
    }

    @Test
    void defaultsToFp32AndAcceptsBf16InAnyCase() {
        // The default comes from TS_PRECISION when set; the test environment leaves it unset.
        if (System.getenv("TS_PRECISION") == null) {
            assertEquals(Precision.FP32, parse().precision.get());
        }
        assertEquals(Precision.BF16, parse("--precision", "BF16").precision.get());
        assertEquals(Precision.FP32, parse("--precision", "fp32").precision.get());
    }

    @Test
    void anotherValueIsAOneLineUsageError() {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Probe()).setErr(new PrintWriter(err));
        int code = cli.execute("--precision", "fp16");
        assertEquals(2, code);
        String first = err.toString().lines().findFirst().orElse("");
        assertEquals("Invalid value for option '--precision': precision 'fp16' is not one of fp32, bf16", first);
        assertTrue(err.toString().contains("Usage: probe"), err.toString());
    }
}
