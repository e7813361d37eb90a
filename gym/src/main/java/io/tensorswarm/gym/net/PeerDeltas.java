package io.tensorswarm.gym.net;

import io.tensorswarm.chain.Chain;
import io.tensorswarm.chain.ChainException;
import io.tensorswarm.chain.model.Commitment;
import io.tensorswarm.chain.model.Neuron;
import io.tensorswarm.common.TensorswarmException;
import io.tensorswarm.common.protocol.CommitmentPayload;
import io.tensorswarm.common.protocol.DeltaCodecs;
import io.tensorswarm.common.protocol.Sha256;
import io.tensorswarm.common.protocol.StorageLayout;
import io.tensorswarm.common.safetensors.SafetensorsReader;
import io.tensorswarm.common.tensor.ParameterSet;
import io.tensorswarm.storage.GetRequest;
import io.tensorswarm.storage.ObjectStore;
import io.tensorswarm.storage.ObjectStores;
import io.tensorswarm.storage.StorageOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an attacker can read of other miners' work, the way one reading our code would: each miner's
 * on-chain commitment names its store (the locator, the same every round), and inside it {@link
 * StorageLayout#deltaKey} names its delta of any round. Honest miners upload a round's delta only
 * after its commit deadline, so during round r this finds their deltas of earlier rounds, and one of
 * round r only if some store exposes it early.
 */
public final class PeerDeltas implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PeerDeltas.class);

    private final Chain chain;
    private final int netuid;
    private final Set<String> own;
    private final List<String> targets;
    private final StorageOptions storage;
    private final Path downloads;
    private final Map<String, ObjectStore> stores = new HashMap<>();
    private Map<String, String> known = Map.of();

    /**
     * @param own the adversary's own hotkeys (never read as peers)
     * @param targets hotkeys to read in this order; empty: every other committer, highest incentive first
     * @param downloads where downloaded delta files go
     */
    public PeerDeltas(Chain chain, int netuid, Set<String> own, List<String> targets, StorageOptions storage,
            Path downloads) {
        this.chain = chain;
        this.netuid = netuid;
        this.own = Set.copyOf(own);
        this.targets = List.copyOf(targets);
        this.storage = storage;
        this.downloads = downloads;
    }

    /** Returns every hotkey's committed locator as the chain holds it now (unreadable commitments left out). */
    public Map<String, String> locators() {
        Map<String, String> out = new LinkedHashMap<>();
        for (Commitment c : chain.commitments(netuid)) {
            payload(c).ifPresent(p -> out.put(c.hotkey(), p.locator()));
        }
        known = Map.copyOf(out);
        return out;
    }

    /** Returns the on-chain commitments of the peers, in {@link #candidates()} order. */
    public List<Commitment> commitments() {
        List<String> order = candidates();
        return chain.commitments(netuid).stream().filter(c -> order.contains(c.hotkey()))
                .sorted(Comparator.comparingInt(c -> order.indexOf(c.hotkey()))).toList();
    }

    /** Returns the hotkeys to read, most wanted first: the targets, else the other committers by incentive. */
    public List<String> candidates() {
        Map<String, String> committed = locators();
        if (!targets.isEmpty()) {
            return targets.stream().filter(committed::containsKey).filter(h -> !own.contains(h)).toList();
        }
        Map<String, Double> incentive = new HashMap<>();
        try {
            for (Neuron n : chain.metagraph(netuid).neurons()) {
                incentive.put(n.hotkey(), n.incentive());
            }
        } catch (ChainException e) {
            log.debug("no metagraph: {}", e.getMessage());
        }
        return committed.keySet().stream().filter(h -> !own.contains(h))
                .sorted(Comparator.comparingDouble((String h) -> -incentive.getOrDefault(h, 0.0))
                        .thenComparing(Comparator.naturalOrder()))
                .toList();
    }

    /** Returns whether {@code hotkey}'s delta of {@code round} can be read now. */
    public boolean exists(String hotkey, long round) {
        return store(hotkey).map(s -> {
            try {
                return s.stat(StorageLayout.deltaKey(round, hotkey)).isPresent();
            } catch (TensorswarmException e) {
                return false;
            }
        }).orElse(false);
    }

    /** Returns the hotkeys among {@link #candidates()} whose delta of {@code round} can be read now. */
    public List<String> readable(long round) {
        List<String> out = new ArrayList<>();
        for (String h : candidates()) {
            if (exists(h, round)) {
                out.add(h);
            }
        }
        return out;
    }

    /**
     * Returns {@code hotkey}'s delta of {@code round} decoded in {@code layout}, or empty when it
     * cannot be read or decoded (logged).
     */
    public Optional<PeerDelta> read(String hotkey, long round, ParameterSet layout) {
        Optional<ObjectStore> store = store(hotkey);
        if (store.isEmpty()) {
            return Optional.empty();
        }
        Path file = downloads.resolve(round + "-" + hotkey + ".safetensors");
        try {
            Files.createDirectories(downloads);
            store.get().get(GetRequest.builder().setKey(StorageLayout.deltaKey(round, hotkey))
                    .optMaxBytes(4 * layout.byteSize() + (1 << 20)).build(), file);
            ParameterSet stored = new SafetensorsReader().read(file);
            ParameterSet delta = DeltaCodecs.forStored(stored).decode(stored, layout);
            return Optional.of(new PeerDelta(hotkey, round, file, Sha256.ofFile(file), delta));
        } catch (TensorswarmException | IOException | UncheckedIOException e) {
            log.info("cannot read the delta of {} for round {}: {}", hotkey, round, e.getMessage());
            return Optional.empty();
        }
    }

    /** Returns the manifest bytes {@code hotkey} uploaded for {@code round}, or empty. */
    public Optional<byte[]> manifest(String hotkey, long round) {
        try {
            return store(hotkey).map(s -> s.getBytes(GetRequest.of(StorageLayout.manifestKey(round, hotkey), 16 * 1024)));
        } catch (TensorswarmException e) {
            return Optional.empty();
        }
    }

    /**
     * Returns, for each candidate, its newest delta of a round in {@code [oldest, newest]}, newest
     * rounds first (candidate order within a round), at most {@code max} of them.
     */
    public List<PeerDelta> newestPerPeer(long newest, long oldest, int max, ParameterSet layout) {
        List<PeerDelta> out = new ArrayList<>();
        List<String> left = new ArrayList<>(candidates());
        for (long r = newest; r >= Math.max(0, oldest) && !left.isEmpty() && out.size() < max; r--) {
            for (String h : List.copyOf(left)) {
                if (out.size() >= max) {
                    break;
                }
                if (exists(h, r)) {
                    Optional<PeerDelta> d = read(h, r, layout);
                    if (d.isPresent()) {
                        out.add(d.get());
                        left.remove(h);
                    }
                }
            }
        }
        return out;
    }

    private Optional<ObjectStore> store(String hotkey) {
        String locator = known.containsKey(hotkey) ? known.get(hotkey) : locators().get(hotkey);
        if (locator == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(stores.computeIfAbsent(locator, l -> ObjectStores.open(l, storage)));
        } catch (TensorswarmException | IllegalArgumentException e) {
            log.info("cannot open the store {} of {}: {}", locator, hotkey, e.getMessage());
            return Optional.empty();
        }
    }

    private static Optional<CommitmentPayload> payload(Commitment c) {
        try {
            return Optional.of(CommitmentPayload.parse(c.data()));
        } catch (TensorswarmException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        stores.values().forEach(ObjectStore::close);
        stores.clear();
    }
}
