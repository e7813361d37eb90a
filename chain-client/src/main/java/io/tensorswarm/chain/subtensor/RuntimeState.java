package io.tensorswarm.chain.subtensor;

import io.tensorswarm.chain.extrinsic.ExtrinsicBuilder;
import io.tensorswarm.chain.metadata.RuntimeMetadata;

/** What the client knows about the connected runtime: versions, genesis hash, metadata and its extrinsic builder. */
record RuntimeState(long specVersion, long transactionVersion, byte[] genesisHash, RuntimeMetadata metadata,
        ExtrinsicBuilder builder) {}
