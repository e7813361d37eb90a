package io.tensorswarm.common.ops;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The metrics every Tensorswarm daemon exports, named {@code tensorswarm_*}, in a registry of its own
 * (so tests and embedded runs can hold several). A daemon sets what applies to it: a miner reports
 * steps, loss and tokens/s; a validator reports scores and weights; all report round, bytes moved and
 * errors by kind. JVM metrics (heap, GC, threads) are included.
 *
 * <p>Thread-safe: the Prometheus client's metrics are.
 */
public final class DaemonMetrics {
    private static final Pattern KIND = Pattern.compile("[a-z0-9_]{1,64}");

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Gauge info;
    private final Gauge round;
    private final Gauge step;
    private final Gauge loss;
    private final Gauge tokensPerSecond;
    private final Counter bytesUploaded;
    private final Counter bytesDownloaded;
    private final Gauge score;
    private final Gauge weight;
    private final Counter weightsSet;
    private final Counter errors;
    private final Counter roundsCompleted;
    private final Gauge lastProgress;
    private final Health health;

    private DaemonMetrics(boolean jvm, Health health) {
        this.health = health;
        info = Gauge.builder().name("tensorswarm_info")
                .help("Always 1; labels say which daemon, hotkey, subnet and version this is.")
                .labelNames("daemon", "hotkey", "netuid", "version").register(registry);
        round = Gauge.builder().name("tensorswarm_round").help("The round this daemon is working on.").register(registry);
        step = Gauge.builder().name("tensorswarm_train_step")
                .help("Inner training step within the current round (miners).").register(registry);
        loss = Gauge.builder().name("tensorswarm_loss")
                .help("Latest loss by kind: train, base, merged, eval (nats per token).")
                .labelNames("kind").register(registry);
        tokensPerSecond = Gauge.builder().name("tensorswarm_tokens_per_second")
                .help("Training or evaluation throughput of the latest measurement.").register(registry);
        bytesUploaded = Counter.builder().name("tensorswarm_bytes_uploaded")
                .help("Bytes written to object storage.").register(registry);
        bytesDownloaded = Counter.builder().name("tensorswarm_bytes_downloaded")
                .help("Bytes read from object storage.").register(registry);
        score = Gauge.builder().name("tensorswarm_score")
                .help("Smoothed score of each miner (validators).").labelNames("hotkey").register(registry);
        weight = Gauge.builder().name("tensorswarm_weight")
                .help("Weight last set for each miner (validators), or the miner's own weight.")
                .labelNames("hotkey").register(registry);
        weightsSet = Counter.builder().name("tensorswarm_weights_set")
                .help("Successful set_weights or commit/reveal extrinsics.").register(registry);
        errors = Counter.builder().name("tensorswarm_errors")
                .help("Errors by kind (chain, storage, worker, delta_rejected, merge_rejected, ...).")
                .labelNames("kind").register(registry);
        roundsCompleted = Counter.builder().name("tensorswarm_rounds_completed")
                .help("Rounds this process finished.").register(registry);
        lastProgress = Gauge.builder().name("tensorswarm_last_progress_timestamp_seconds")
                .help("Unix time of the last sign of progress (a step, a round, a scored miner).")
                .register(registry);
        if (jvm) {
            JvmMetrics.builder().register(registry);
        }
    }

    /** Default for {@link Health}: no sign of progress for this long means stalled. */
    public static final Duration DEFAULT_STALL_AFTER = Duration.ofMinutes(30);

    /** A fresh registry with the Tensorswarm metrics and the JVM's; stalled after {@code stallAfter} idle. */
    public static DaemonMetrics create(Duration stallAfter) {
        return new DaemonMetrics(true, new Health(Clock.systemUTC(), stallAfter));
    }

    /** A fresh registry with the Tensorswarm metrics only (tests, embedded use). */
    public static DaemonMetrics forTests(Health health) {
        return new DaemonMetrics(false, health);
    }

    /** Metrics nobody scrapes, for code paths run without {@code --metrics.port} (same API, no server). */
    public static DaemonMetrics unexported() {
        return new DaemonMetrics(false, new Health(Clock.systemUTC(), DEFAULT_STALL_AFTER));
    }

    /** The health verdict fed by the same progress marks. */
    public Health health() {
        return health;
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    /** Labels {@code tensorswarm_info}; call once the identity is known. */
    public void identity(LogIdentity identity, String version) {
        info.labelValues(identity.daemon(), identity.hotkey(), identity.netuid() < 0 ? "" : Integer.toString(identity.netuid()),
                version == null ? "" : version).set(1);
    }

    public void round(long r) {
        round.set(r);
        health.detail("round", r);
        progress();
    }

    public void step(long s) {
        step.set(s);
        progress();
    }

    /** Records a loss; {@code kind} is a short lowercase word such as {@code train} or {@code base}. */
    public void loss(String kind, double value) {
        loss.labelValues(checkedKind(kind)).set(value);
    }

    public void tokensPerSecond(double value) {
        tokensPerSecond.set(value);
    }

    public void bytesUploaded(long bytes) {
        if (bytes > 0) {
            bytesUploaded.inc(bytes);
        }
    }

    public void bytesDownloaded(long bytes) {
        if (bytes > 0) {
            bytesDownloaded.inc(bytes);
        }
    }

    /** Replaces every miner's score with {@code scores} (miners no longer present disappear). */
    public void scores(Map<String, Double> scores) {
        score.clear();
        scores.forEach((hotkey, s) -> score.labelValues(hotkey).set(s));
    }

    /** Replaces every miner's weight with {@code weights}. */
    public void weights(Map<String, Double> weights) {
        weight.clear();
        weights.forEach((hotkey, w) -> weight.labelValues(hotkey).set(w));
    }

    public void weightsSet() {
        weightsSet.inc();
        progress();
    }

    /** Counts one error of {@code kind} (a short lowercase word: chain, storage, worker, ...). */
    public void error(String kind) {
        errors.labelValues(checkedKind(kind)).inc();
        health.detail("last_error_kind", kind);
    }

    public void roundCompleted() {
        roundsCompleted.inc();
        progress();
    }

    /** Marks progress now without changing anything else. */
    public void progress() {
        lastProgress.set(System.currentTimeMillis() / 1000.0);
        health.progress();
    }

    private static String checkedKind(String kind) {
        Objects.requireNonNull(kind, "kind");
        if (!KIND.matcher(kind).matches()) {
            throw new IllegalArgumentException("metric label must match " + KIND + ": " + kind);
        }
        return kind;
    }
}
