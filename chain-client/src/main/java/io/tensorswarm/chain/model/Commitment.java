package io.tensorswarm.chain.model;

/** A hotkey's commitment on a subnet: the raw bytes it committed and the block they were set in. */
public record Commitment(String hotkey, long block, byte[] data) {
    public Commitment {
        data = data.clone();
    }

    @Override
    public byte[] data() {
        return data.clone();
    }
}
