package io.tensorswarm.chain.model;

/** Where an extrinsic landed: the block's number and hash (0x-hex) and the extrinsic's hash. */
public record TxReceipt(long blockNumber, String blockHash, String extrinsicHash) {}
