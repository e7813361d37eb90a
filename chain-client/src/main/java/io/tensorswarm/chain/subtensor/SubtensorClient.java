package io.tensorswarm.chain.subtensor;

import com.fasterxml.jackson.databind.JsonNode;
import io.tensorswarm.chain.Chain;
import io.tensorswarm.chain.ChainException;
import io.tensorswarm.chain.calls.CallEncoder;
import io.tensorswarm.chain.calls.EncodedCall;
import io.tensorswarm.chain.calls.RuntimeApiCall;
import io.tensorswarm.chain.calls.SubtensorCalls;
import io.tensorswarm.chain.crypto.Sr25519KeyPair;
import io.tensorswarm.chain.crypto.Ss58Address;
import io.tensorswarm.chain.extrinsic.ExtrinsicBuilder;
import io.tensorswarm.chain.extrinsic.ExtrinsicParams;
import io.tensorswarm.chain.extrinsic.ExtrinsicSubmitter;
import io.tensorswarm.chain.extrinsic.FeeInfo;
import io.tensorswarm.chain.extrinsic.SignedExtrinsic;
import io.tensorswarm.chain.hash.StorageHasher;
import io.tensorswarm.chain.metadata.MetadataDecoder;
import io.tensorswarm.chain.metadata.MetadataException;
import io.tensorswarm.chain.metadata.RuntimeMetadata;
import io.tensorswarm.chain.metadata.StorageEntry;
import io.tensorswarm.chain.model.AxonInfo;
import io.tensorswarm.chain.model.Commitment;
import io.tensorswarm.chain.model.Metagraph;
import io.tensorswarm.chain.model.Neuron;
import io.tensorswarm.chain.model.SubnetHyperparameters;
import io.tensorswarm.chain.model.TxReceipt;
import io.tensorswarm.chain.rpc.RpcErrorException;
import io.tensorswarm.chain.rpc.RpcTransport;
import io.tensorswarm.chain.rpc.Subscription;
import io.tensorswarm.chain.rpc.WsRpcTransport;
import io.tensorswarm.chain.scale.Era;
import io.tensorswarm.chain.scale.Hex;
import io.tensorswarm.chain.scale.ScaleWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Chain} of a real subtensor node over JSON-RPC. At connect it reads the runtime
 * version, the genesis hash and the metadata (V16, else V15, else {@code state_getMetadata});
 * before each extrinsic it re-checks the runtime version and reloads the metadata after an
 * upgrade. Reads use storage items and runtime APIs resolved from the metadata; extrinsics are
 * signed v4 with a mortal era, the nonce from {@code system_accountNextIndex}, and their outcome
 * is read from the inclusion block's events. Thread-safe; extrinsics of one signer are
 * serialized up to pool acceptance so their nonces do not collide.
 *
 * <pre>{@code
 * try (SubtensorClient chain = SubtensorClient.connect(SubtensorSettings.forNetwork("test", null))) {
 *     Metagraph mg = chain.metagraph(3);
 * }
 * }</pre>
 */
public final class SubtensorClient implements Chain {
    private static final Logger log = LoggerFactory.getLogger(SubtensorClient.class);
    private static final String SUBTENSOR = SubtensorCalls.SUBTENSOR;

    private final RpcTransport rpc;
    private final SubtensorSettings settings;
    private final StorageReader storage;
    private final ExtrinsicSubmitter submitter;
    private final Map<String, Object> signerLocks = new ConcurrentHashMap<>();
    private volatile RuntimeState runtime;

    /**
     * Connects to {@code settings.rpc().url()} and loads the runtime.
     *
     * @throws ChainException with a one-line message naming the URL when the node cannot be reached
     */
    public static SubtensorClient connect(SubtensorSettings settings) {
        WsRpcTransport rpc = WsRpcTransport.connect(settings.rpc());
        try {
            return new SubtensorClient(rpc, settings);
        } catch (RuntimeException e) {
            rpc.close();
            throw e;
        }
    }

    /** Creates a client over an open transport (which it closes on {@link #close()}) and loads the runtime. */
    public SubtensorClient(RpcTransport rpc, SubtensorSettings settings) {
        this.rpc = rpc;
        this.settings = settings;
        this.storage = new StorageReader(rpc);
        this.submitter = new ExtrinsicSubmitter(rpc, settings.inclusionTimeout());
        JsonNode version = rpc.send("state_getRuntimeVersion", List.of());
        this.runtime = loadRuntime(version, Hex.decode(rpc.send("chain_getBlockHash", List.of(0)).asText()));
    }

    private RuntimeState loadRuntime(JsonNode version, byte[] genesis) {
        RuntimeMetadata md = fetchMetadata();
        RuntimeState state = new RuntimeState(version.path("specVersion").asLong(),
                version.path("transactionVersion").asLong(), genesis, md, new ExtrinsicBuilder(md));
        log.info("runtime {} spec {} tx {} metadata v{} at {}", version.path("specName").asText(),
                state.specVersion(), state.transactionVersion(), md.version(), rpc.url());
        return state;
    }

    private RuntimeMetadata fetchMetadata() {
        for (int v : new int[] {16, 15}) {
            try {
                String arg = Hex.encodePrefixed(new ScaleWriter().writeU32(v).toByteArray());
                JsonNode reply = rpc.send("state_call", List.of("Metadata_metadata_at_version", arg));
                return MetadataDecoder.decodeRuntimeApiReply(Hex.decode(reply.asText()));
            } catch (MetadataException | RpcErrorException e) {
                log.debug("metadata v{} not available: {}", v, e.getMessage());
            }
        }
        return MetadataDecoder.decode(Hex.decode(rpc.send("state_getMetadata", List.of()).asText()));
    }

    /** Returns the runtime, reloading the metadata when the node reports a new spec version. */
    private RuntimeState freshRuntime() {
        RuntimeState current = runtime;
        JsonNode version = rpc.send("state_getRuntimeVersion", List.of());
        if (version.path("specVersion").asLong() != current.specVersion()
                || version.path("transactionVersion").asLong() != current.transactionVersion()) {
            synchronized (this) {
                if (runtime == current) {
                    log.info("runtime upgraded from spec {}; reloading metadata", current.specVersion());
                    runtime = loadRuntime(version, current.genesisHash());
                }
                return runtime;
            }
        }
        return current;
    }

    /** Returns the metadata of the runtime last seen. */
    public RuntimeMetadata metadata() {
        return runtime.metadata();
    }

    /** Returns the runtime's spec version last seen. */
    public long specVersion() {
        return runtime.specVersion();
    }

    /** Returns the genesis hash as the node reports it. */
    public byte[] genesisHash() {
        return runtime.genesisHash().clone();
    }

    /** Returns the transport, for node-specific calls (for example a dev chain's {@code dev_newBlock}). */
    public RpcTransport transport() {
        return rpc;
    }

    @Override
    public long currentBlock() {
        return headerNumber(rpc.send("chain_getHeader", List.of()));
    }

    @Override
    public byte[] blockHash(long number) {
        JsonNode hash = rpc.send("chain_getBlockHash", List.of(number));
        if (hash.isNull()) {
            throw new ChainException("the node has no block " + number);
        }
        return Hex.decode(hash.asText());
    }

    /** Calls {@code listener} with each new best block number until the subscription is closed. */
    public Subscription onNewHead(LongConsumer listener) {
        return rpc.subscribe("chain_subscribeNewHeads", List.of(), "chain_unsubscribeNewHeads",
                header -> listener.accept(headerNumber(header)));
    }

    @Override
    public SubnetHyperparameters hyperparameters(int netuid) {
        RuntimeMetadata md = runtime.metadata();
        String at = bestHash();
        String[] items = {"Tempo", "WeightsSetRateLimit", "WeightsVersionKey", "CommitRevealWeightsEnabled",
            "RevealPeriodEpochs", "MinAllowedWeights", "MaxWeightsLimit"};
        List<String> keys = new ArrayList<>();
        for (String item : items) {
            keys.add(md.pallet(SUBTENSOR).findStorage(item).isPresent()
                    ? Hex.encodePrefixed(StorageReader.key(md, SUBTENSOR, item, netuid)) : null);
        }
        Map<String, JsonNode> values = storage.queryAt(keys.stream().filter(k -> k != null).toList(), at);
        Object[] decoded = new Object[items.length];
        for (int i = 0; i < items.length; i++) {
            if (keys.get(i) != null) {
                decoded[i] = StorageReader.decode(md, md.storage(SUBTENSOR, items[i]),
                        values.get(keys.get(i).toLowerCase(java.util.Locale.ROOT)));
            }
        }
        return new SubnetHyperparameters(netuid, intOr(decoded[0], 0), longOr(decoded[1], 0), longOr(decoded[2], 0),
                decoded[3] instanceof Boolean b && b, longOr(decoded[4], 1), intOr(decoded[5], 0),
                intOr(decoded[6], 65535));
    }

    /** Returns whether subnet {@code netuid} exists ({@code SubtensorModule.NetworksAdded}). */
    public boolean subnetExists(int netuid) {
        return storage.read(runtime.metadata(), null, SUBTENSOR, "NetworksAdded", netuid) instanceof Boolean b && b;
    }

    @Override
    public Metagraph metagraph(int netuid) {
        RuntimeMetadata md = runtime.metadata();
        String at = bestHash();
        long block = headerNumber(rpc.send("chain_getHeader", List.of(at)));
        RuntimeApiCall call = RuntimeApiCall.of(md, "NeuronInfoRuntimeApi", "get_neurons_lite", netuid);
        JsonNode reply = rpc.send("state_call", List.of(call.method(), Hex.encodePrefixed(call.params()), at));
        Object result = call.decodeResult(md, Hex.decode(reply.asText()));
        // Older runtimes (spec 218) return the SCALE bytes of Vec<NeuronInfoLite> as an opaque Vec<u8>.
        List<?> decoded = result instanceof byte[] opaque ? LegacyNeuronInfoLite.decodeAll(opaque) : (List<?>) result;
        List<Neuron> neurons = new ArrayList<>(decoded.size());
        for (Object n : decoded) {
            neurons.add(ModelDecoders.neuron(n));
        }
        return new Metagraph(netuid, block, neurons);
    }

    @Override
    public List<Commitment> commitments(int netuid) {
        return commitmentsAtHash(netuid, bestHash());
    }

    @Override
    public List<Commitment> commitmentsAt(int netuid, long block) {
        return commitmentsAtHash(netuid, Hex.encodePrefixed(blockHash(block)));
    }

    @Override
    public long finalizedBlock() {
        JsonNode hash = rpc.send("chain_getFinalizedHead", List.of());
        return headerNumber(rpc.send("chain_getHeader", List.of(hash.asText())));
    }

    private List<Commitment> commitmentsAtHash(int netuid, String at) {
        RuntimeMetadata md = runtime.metadata();
        StorageEntry entry = md.storage(SubtensorCalls.COMMITMENTS, "CommitmentOf");
        requireAccountLastKey(entry);
        List<String> keys = storage.keys(StorageReader.key(md, SubtensorCalls.COMMITMENTS, "CommitmentOf", netuid), at);
        Map<String, JsonNode> values = storage.queryAt(keys, at);
        List<Commitment> out = new ArrayList<>(keys.size());
        for (String key : keys) {
            JsonNode value = values.get(key.toLowerCase(java.util.Locale.ROOT));
            if (value == null || value.isNull()) {
                continue;
            }
            byte[] k = Hex.decode(key);
            String hotkey = ModelDecoders.account(Arrays.copyOfRange(k, k.length - 32, k.length));
            out.add(ModelDecoders.commitment(hotkey, StorageReader.decode(md, entry, value)));
        }
        return out;
    }

    private static void requireAccountLastKey(StorageEntry entry) {
        List<StorageHasher> hashers = entry.hashers();
        if (hashers.size() != 2 || !hashers.get(1).keepsKey()) {
            throw new ChainException("Commitments.CommitmentOf has hashers " + hashers
                    + "; cannot recover hotkeys from its keys");
        }
    }

    @Override
    public Optional<Commitment> commitment(int netuid, String hotkeySs58) {
        RuntimeMetadata md = runtime.metadata();
        byte[] hotkey = Ss58Address.decode(hotkeySs58).publicKey();
        Object value = storage.read(md, null, SubtensorCalls.COMMITMENTS, "CommitmentOf", netuid, hotkey);
        return value == null ? Optional.empty() : Optional.of(ModelDecoders.commitment(hotkeySs58, value));
    }

    @Override
    public TxReceipt burnedRegister(int netuid, Sr25519KeyPair coldkey, String hotkeySs58) {
        byte[] hotkey = Ss58Address.decode(hotkeySs58).publicKey();
        return submit(SubtensorCalls.burnedRegister(runtime.metadata(), netuid, hotkey), coldkey);
    }

    @Override
    public TxReceipt serveAxon(int netuid, Sr25519KeyPair hotkey, AxonInfo axon) {
        BigInteger ip;
        try {
            ip = new BigInteger(1, InetAddress.getByName(axon.ip()).getAddress());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("axon ip is not an address: " + axon.ip(), e);
        }
        EncodedCall call = CallEncoder.encode(runtime.metadata(), SUBTENSOR, "serve_axon", netuid, axon.version(), ip,
                axon.port(), axon.ipType(), axon.protocol(), 0, 0);
        return submit(call, hotkey);
    }

    @Override
    public TxReceipt setWeights(int netuid, Sr25519KeyPair hotkey, int[] uids, int[] weights, long versionKey) {
        return submit(SubtensorCalls.setWeights(runtime.metadata(), netuid, uids, weights, versionKey), hotkey);
    }

    @Override
    public TxReceipt commitWeights(int netuid, Sr25519KeyPair hotkey, byte[] commitHash) {
        return submit(SubtensorCalls.commitWeights(runtime.metadata(), netuid, commitHash), hotkey);
    }

    @Override
    public TxReceipt revealWeights(int netuid, Sr25519KeyPair hotkey, int[] uids, int[] weights, int[] salt,
            long versionKey) {
        return submit(SubtensorCalls.revealWeights(runtime.metadata(), netuid, uids, weights, salt, versionKey), hotkey);
    }

    @Override
    public TxReceipt setCommitment(int netuid, Sr25519KeyPair hotkey, byte[] data) {
        return submit(SubtensorCalls.setRawCommitment(runtime.metadata(), netuid, data), hotkey);
    }

    /**
     * Signs {@code call} with {@code signer}, submits it and waits as the settings say.
     *
     * @throws io.tensorswarm.chain.DispatchException when the pool rejects it or it fails to dispatch
     */
    public TxReceipt submit(EncodedCall call, Sr25519KeyPair signer) {
        RuntimeState rt = freshRuntime();
        ExtrinsicSubmitter.Watch watch;
        synchronized (signerLocks.computeIfAbsent(signer.ss58Address(), k -> new Object())) {
            SignedExtrinsic xt = sign(rt, call, signer);
            watch = submitter.submit(xt);
        }
        TxReceipt receipt = watch.await(rt.metadata(), settings.waitFor());
        log.info("{}.{} by {} in block {}", call.pallet(), call.call(), signer.ss58Address(), receipt.blockNumber());
        return receipt;
    }

    /** Returns the runtime's fee estimate for {@code call} signed by {@code signer}. */
    public FeeInfo estimateFee(EncodedCall call, Sr25519KeyPair signer) {
        RuntimeState rt = freshRuntime();
        return submitter.queryFee(rt.metadata(), sign(rt, call, signer));
    }

    private SignedExtrinsic sign(RuntimeState rt, EncodedCall call, Sr25519KeyPair signer) {
        long nonce = rpc.send("system_accountNextIndex", List.of(signer.ss58Address())).asLong();
        String finalized = rpc.send("chain_getFinalizedHead", List.of()).asText();
        long current = headerNumber(rpc.send("chain_getHeader", List.of(finalized)));
        Era era = Era.mortal(settings.mortalityPeriod(), current);
        long birth = era.birthBlock(current);
        byte[] birthHash = birth == current ? Hex.decode(finalized) : blockHash(birth);
        ExtrinsicParams params = new ExtrinsicParams(rt.specVersion(), rt.transactionVersion(), rt.genesisHash(), era,
                birthHash, nonce, 0);
        return rt.builder().sign(call.toBytes(), params, signer);
    }

    private String bestHash() {
        return rpc.send("chain_getBlockHash", List.of()).asText();
    }

    private static long headerNumber(JsonNode header) {
        JsonNode n = header.path("number");
        return n.isNumber() ? n.asLong() : Long.decode(n.asText("0x0"));
    }

    private static int intOr(Object v, int fallback) {
        return v instanceof Number n ? n.intValue() : fallback;
    }

    private static long longOr(Object v, long fallback) {
        return v instanceof Number n ? n.longValue() : fallback;
    }

    @Override
    public void close() {
        rpc.close();
    }
}
