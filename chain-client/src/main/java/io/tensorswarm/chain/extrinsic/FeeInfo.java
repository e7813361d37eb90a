package io.tensorswarm.chain.extrinsic;

import java.math.BigInteger;

/**
 * The runtime's fee estimate for an extrinsic ({@code TransactionPaymentApi_query_info}): its
 * weight, dispatch class ({@code Normal}, {@code Operational}, {@code Mandatory}) and the partial
 * fee in rao (excluding the tip).
 */
public record FeeInfo(BigInteger refTime, BigInteger proofSize, String dispatchClass, BigInteger partialFee) {}
