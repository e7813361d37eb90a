package io.tensorswarm.chain.model;

/** A neuron's served endpoint as {@code serve_axon} sets it. {@code ip} is dotted IPv4 or IPv6 text. */
public record AxonInfo(String ip, int port, int ipType, int protocol, long version) {}
