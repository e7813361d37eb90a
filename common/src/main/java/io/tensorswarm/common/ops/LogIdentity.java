package io.tensorswarm.common.ops;

import ch.qos.logback.classic.LoggerContext;
import java.util.Objects;
import org.slf4j.LoggerFactory;

/**
 * Who is logging: the daemon, its hotkey and subnet. {@link #apply()} makes every later log line carry
 * it, as {@code [validator 5FHne…M694 netuid=3]} in text logs and as {@code daemon}, {@code hotkey} and
 * {@code netuid} fields in JSON logs, on every thread.
 *
 * @param daemon miner, validator, averager or orchestrator
 * @param hotkey SS58 hotkey, or empty when the daemon has none
 * @param netuid subnet id, or -1 when not known
 */
public record LogIdentity(String daemon, String hotkey, int netuid) {
    /** Logback context property holding the text prefix; read by {@link IdentityConverter}. */
    static final String PREFIX_PROPERTY = "ts.identity";

    public LogIdentity {
        Objects.requireNonNull(daemon, "daemon");
        hotkey = hotkey == null ? "" : hotkey;
    }

    /** The text form: {@code validator 5FHne…M694 netuid=3}. */
    public String label() {
        StringBuilder b = new StringBuilder(daemon);
        if (!hotkey.isEmpty()) {
            b.append(' ').append(shortKey(hotkey));
        }
        if (netuid >= 0) {
            b.append(" netuid=").append(netuid);
        }
        return b.toString();
    }

    /** Sets this identity on the logging context (all threads, text and JSON). */
    public void apply() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.putProperty(PREFIX_PROPERTY, label());
            context.putProperty("daemon", daemon);
            context.putProperty("hotkey", hotkey);
            context.putProperty("netuid", netuid < 0 ? "" : Integer.toString(netuid));
        }
    }

    /** First five and last four characters of an SS58 address: enough to tell miners apart. */
    public static String shortKey(String ss58) {
        return ss58.length() <= 12 ? ss58 : ss58.substring(0, 5) + "…" + ss58.substring(ss58.length() - 4);
    }
}
