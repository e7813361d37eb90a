package io.tensorswarm.chain.extrinsic;

import com.fasterxml.jackson.databind.JsonNode;
import io.tensorswarm.chain.ChainException;
import io.tensorswarm.chain.DispatchException;
import io.tensorswarm.chain.calls.RuntimeApiCall;
import io.tensorswarm.chain.hash.StorageKey;
import io.tensorswarm.chain.metadata.MetadataException;
import io.tensorswarm.chain.metadata.RuntimeMetadata;
import io.tensorswarm.chain.metadata.StorageEntry;
import io.tensorswarm.chain.metadata.ValueDecoder;
import io.tensorswarm.chain.metadata.VariantValue;
import io.tensorswarm.chain.model.TxReceipt;
import io.tensorswarm.chain.rpc.RpcTransport;
import io.tensorswarm.chain.rpc.Subscription;
import io.tensorswarm.chain.rpc.SubscriptionListener;
import io.tensorswarm.chain.scale.Hex;
import io.tensorswarm.chain.scale.ScaleWriter;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Submits signed extrinsics with {@code author_submitAndWatchExtrinsic}, waits for inclusion, and
 * reads the outcome from the inclusion block's {@code System.Events}: {@code ExtrinsicSuccess}
 * yields a {@link TxReceipt}, {@code ExtrinsicFailed} a {@link DispatchException} naming the
 * runtime error. Pool rejections surface as {@link DispatchException}s from the submit call
 * (see {@link io.tensorswarm.chain.rpc.RpcErrors}). Thread-safe.
 *
 * <pre>{@code
 * ExtrinsicSubmitter submitter = new ExtrinsicSubmitter(rpc, Duration.ofMinutes(2));
 * TxReceipt receipt = submitter.submit(xt).await(metadata, WaitFor.IN_BLOCK);
 * }</pre>
 */
public final class ExtrinsicSubmitter {
    private static final Logger log = LoggerFactory.getLogger(ExtrinsicSubmitter.class);

    private final RpcTransport rpc;
    private final Duration inclusionTimeout;

    /** Creates a submitter that waits at most {@code inclusionTimeout} for a block. */
    public ExtrinsicSubmitter(RpcTransport rpc, Duration inclusionTimeout) {
        this.rpc = rpc;
        this.inclusionTimeout = inclusionTimeout;
    }

    /**
     * Sends {@code xt} to the pool and starts watching it; returns once the pool accepted it (so a
     * following {@code system_accountNextIndex} counts it).
     *
     * @throws DispatchException if the pool rejects it (for example {@code InvalidTransaction.RateLimitExceeded})
     */
    public Watch submit(SignedExtrinsic xt) {
        Watch watch = new Watch(xt);
        watch.subscription = rpc.subscribe("author_submitAndWatchExtrinsic", List.of(xt.hex()),
                "author_unwatchExtrinsic", watch);
        log.debug("submitted extrinsic {}", xt.hashHex());
        return watch;
    }

    /** Returns the fee estimate for {@code xt} via {@code TransactionPaymentApi_query_info}, or {@code payment_queryInfo}. */
    public FeeInfo queryFee(RuntimeMetadata md, SignedExtrinsic xt) {
        byte[] bytes = xt.bytes();
        try {
            md.runtimeApi("TransactionPaymentApi", "query_info");
        } catch (MetadataException noApi) {
            JsonNode info = rpc.send("payment_queryInfo", List.of(xt.hex()));
            JsonNode w = info.path("weight");
            return new FeeInfo(new BigInteger(w.path("refTime").asText(w.isNumber() ? w.asText() : "0")),
                    new BigInteger(w.path("proofSize").asText("0")), info.path("class").asText(),
                    new BigInteger(info.path("partialFee").asText("0")));
        }
        byte[] params = new ScaleWriter().writeBytes(bytes).writeU32(bytes.length).toByteArray();
        RuntimeApiCall call = new RuntimeApiCall("TransactionPaymentApi_query_info", params,
                md.runtimeApi("TransactionPaymentApi", "query_info").outputTypeId());
        byte[] reply = Hex.decode(rpc.send("state_call", List.of(call.method(), Hex.encodePrefixed(params))).asText());
        Map<?, ?> info = (Map<?, ?>) call.decodeResult(md, reply);
        Map<?, ?> weight = (Map<?, ?>) info.get("weight");
        return new FeeInfo(big(weight.get("ref_time")), big(weight.get("proof_size")),
                ((VariantValue) info.get("class")).name(), big(info.get("partial_fee")));
    }

    private static BigInteger big(Object n) {
        return n instanceof BigInteger b ? b : BigInteger.valueOf(((Number) n).longValue());
    }

    /**
     * Returns the outcome of {@code xt} in block {@code blockHash}: its receipt when {@code
     * System.ExtrinsicSuccess} was emitted for it.
     *
     * @throws DispatchException when {@code System.ExtrinsicFailed} was emitted
     * @throws ChainException when the block does not contain {@code xt} or has no outcome event for it
     */
    public TxReceipt outcome(RuntimeMetadata md, String blockHash, SignedExtrinsic xt) {
        JsonNode block = rpc.send("chain_getBlock", List.of(blockHash)).path("block");
        long number = Long.decode(block.path("header").path("number").asText("0x0"));
        int index = -1;
        JsonNode extrinsics = block.path("extrinsics");
        for (int i = 0; i < extrinsics.size(); i++) {
            if (extrinsics.get(i).asText().equalsIgnoreCase(xt.hex())) {
                index = i;
                break;
            }
        }
        if (index < 0) {
            throw new ChainException("block " + blockHash + " does not contain extrinsic " + xt.hashHex());
        }
        StorageEntry events = md.storage("System", "Events");
        JsonNode raw = rpc.send("state_getStorage",
                List.of(Hex.encodePrefixed(StorageKey.prefix("System", "Events")), blockHash));
        if (raw.isNull()) {
            throw new ChainException("block " + blockHash + " has no System.Events");
        }
        List<?> records = (List<?>) new ValueDecoder(md.types()).decode(events.valueTypeId(), Hex.decode(raw.asText()));
        for (Object r : records) {
            Map<?, ?> record = (Map<?, ?>) r;
            if (!(record.get("phase") instanceof VariantValue phase) || !phase.name().equals("ApplyExtrinsic")
                    || ((Number) phase.value()).intValue() != index) {
                continue;
            }
            VariantValue palletEvent = (VariantValue) record.get("event");
            if (!palletEvent.name().equals("System") || !(palletEvent.value() instanceof VariantValue event)) {
                continue;
            }
            if (event.name().equals("ExtrinsicSuccess")) {
                return new TxReceipt(number, blockHash, xt.hashHex());
            }
            if (event.name().equals("ExtrinsicFailed")) {
                Object error = event.value() instanceof Map<?, ?> m ? m.get("dispatch_error") : event.value();
                throw DispatchErrors.toException(md, error);
            }
        }
        throw new ChainException("no ExtrinsicSuccess/ExtrinsicFailed event for extrinsic " + index
                + " in block " + blockHash);
    }

    /** A submitted extrinsic's status stream; completes at inclusion or fails when the pool drops it. */
    public final class Watch implements SubscriptionListener {
        private final SignedExtrinsic xt;
        private final CompletableFuture<String> inBlock = new CompletableFuture<>();
        private final CompletableFuture<String> finalized = new CompletableFuture<>();
        private volatile Subscription subscription;

        private Watch(SignedExtrinsic xt) {
            this.xt = xt;
        }

        @Override
        public void onNotification(JsonNode result) {
            TransactionStatus status = TransactionStatus.parse(result);
            log.debug("extrinsic {} status {}", xt.hashHex(), status);
            switch (status.kind()) {
                case IN_BLOCK -> inBlock.complete(status.blockHash());
                case FINALIZED -> {
                    inBlock.complete(status.blockHash());
                    finalized.complete(status.blockHash());
                }
                default -> {
                    if (status.kind().isFailure()) {
                        onError(new ChainException("extrinsic " + xt.hashHex() + " was " + status.kind().name()
                                .toLowerCase(java.util.Locale.ROOT) + " by the node", null, true));
                    }
                }
            }
        }

        @Override
        public void onError(ChainException error) {
            inBlock.completeExceptionally(error);
            finalized.completeExceptionally(error);
        }

        @Override
        public boolean resumeAfterReconnect() {
            return false;
        }

        /** Returns the extrinsic being watched. */
        public SignedExtrinsic extrinsic() {
            return xt;
        }

        /**
         * Waits for inclusion ({@code waitFor}), stops watching, and returns the outcome.
         *
         * @throws DispatchException when the extrinsic failed to dispatch
         * @throws ChainException (retryable) when it was dropped or not included in time
         */
        public TxReceipt await(RuntimeMetadata md, WaitFor waitFor) {
            String blockHash;
            try {
                blockHash = (waitFor == WaitFor.FINALIZED ? finalized : inBlock)
                        .get(inclusionTimeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ChainException("interrupted waiting for extrinsic " + xt.hashHex(), e, true);
            } catch (TimeoutException e) {
                throw new ChainException("extrinsic " + xt.hashHex() + " not " + (waitFor == WaitFor.FINALIZED
                        ? "finalized" : "in a block") + " within " + inclusionTimeout.toSeconds() + " s", e, true);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof ChainException ce ? ce
                        : new ChainException("watching extrinsic " + xt.hashHex() + " failed", e.getCause(), true);
            } finally {
                Subscription s = subscription;
                if (s != null) {
                    s.close();
                }
            }
            return outcome(md, blockHash, xt);
        }
    }

}
