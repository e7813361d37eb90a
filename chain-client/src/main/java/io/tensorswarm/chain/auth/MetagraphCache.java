package io.tensorswarm.chain.auth;

import io.tensorswarm.chain.Chain;
import io.tensorswarm.chain.ChainException;
import io.tensorswarm.chain.model.Metagraph;
import io.tensorswarm.chain.model.Neuron;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Returns a subnet's metagraph, read through {@link Chain#metagraph} at most once per block: at
 * most every {@code checkInterval} it asks the chain for the best block and reloads the metagraph
 * only when the block moved. When a refresh fails and a metagraph is cached, the cached one is kept
 * (and the failure logged); with nothing cached the {@link ChainException} propagates. Safe for
 * concurrent use.
 *
 * <pre>{@code
 * MetagraphCache cache = MetagraphCache.of(chain, netuid);
 * HotkeyAuthorizer miners = cache.registered();
 * HotkeyAuthorizer validators = cache.validatorsOnly();
 * }</pre>
 */
public final class MetagraphCache {
    private static final Logger log = LoggerFactory.getLogger(MetagraphCache.class);

    /** How often the best block is checked by default. */
    public static final Duration DEFAULT_CHECK_INTERVAL = Duration.ofSeconds(1);

    private final Chain chain;
    private final int netuid;
    private final Duration checkInterval;
    private final Clock clock;

    private Metagraph metagraph;
    private Map<String, Neuron> byHotkey = Map.of();
    private long checkedAtMillis;

    private MetagraphCache(Chain chain, int netuid, Duration checkInterval, Clock clock) {
        this.chain = Objects.requireNonNull(chain, "chain");
        this.netuid = netuid;
        this.checkInterval = Objects.requireNonNull(checkInterval, "checkInterval");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (checkInterval.isNegative()) {
            throw new IllegalArgumentException("checkInterval must not be negative: " + checkInterval);
        }
    }

    /** Returns a cache of {@code netuid}'s metagraph checking the best block every second. */
    public static MetagraphCache of(Chain chain, int netuid) {
        return new MetagraphCache(chain, netuid, DEFAULT_CHECK_INTERVAL, Clock.systemUTC());
    }

    /** Returns a cache that checks the best block at most every {@code checkInterval} of {@code clock}. */
    public static MetagraphCache of(Chain chain, int netuid, Duration checkInterval, Clock clock) {
        return new MetagraphCache(chain, netuid, checkInterval, clock);
    }

    /** Returns the subnet id. */
    public int netuid() {
        return netuid;
    }

    /** Returns the metagraph, refreshed when due and the chain has a newer block. */
    public synchronized Metagraph current() {
        long now = clock.millis();
        if (metagraph == null || now - checkedAtMillis >= checkInterval.toMillis()) {
            try {
                long block = chain.currentBlock();
                if (metagraph == null || block != metagraph.block()) {
                    Metagraph fresh = chain.metagraph(netuid);
                    Map<String, Neuron> index = new HashMap<>();
                    fresh.neurons().forEach(n -> index.put(n.hotkey(), n));
                    metagraph = fresh;
                    byHotkey = index;
                }
                checkedAtMillis = now;
            } catch (ChainException e) {
                if (metagraph == null) {
                    throw e;
                }
                log.warn("Keeping the metagraph of netuid {} at block {}: refresh failed: {}",
                        netuid, metagraph.block(), e.getMessage());
                checkedAtMillis = now;
            }
        }
        return metagraph;
    }

    /** Returns the neuron registered with {@code hotkeySs58} in the {@link #current()} metagraph, if any. */
    public Optional<Neuron> neuron(String hotkeySs58) {
        Map<String, Neuron> index;
        synchronized (this) {
            current();
            index = byHotkey;
        }
        return Optional.ofNullable(index.get(hotkeySs58));
    }

    /** Returns an authorizer that allows hotkeys registered on the subnet. */
    public HotkeyAuthorizer registered() {
        return hotkey -> neuron(hotkey).isPresent()
                ? Optional.empty()
                : Optional.of("hotkey " + hotkey + " is not registered on netuid " + netuid);
    }

    /** Returns an authorizer that allows registered hotkeys holding a validator permit. */
    public HotkeyAuthorizer validatorsOnly() {
        return hotkey -> {
            Optional<Neuron> n = neuron(hotkey);
            if (n.isEmpty()) {
                return Optional.of("hotkey " + hotkey + " is not registered on netuid " + netuid);
            }
            return n.get().validatorPermit()
                    ? Optional.empty()
                    : Optional.of("hotkey " + hotkey + " has no validator permit on netuid " + netuid);
        };
    }
}
