package io.tensorswarm.chain.model;

import java.util.List;
import java.util.Optional;

/** A subnet's neurons at a block. */
public record Metagraph(int netuid, long block, List<Neuron> neurons) {
    public Metagraph {
        neurons = List.copyOf(neurons);
    }

    /** Returns the neuron registered with this hotkey, if any. */
    public Optional<Neuron> byHotkey(String hotkey) {
        return neurons.stream().filter(n -> n.hotkey().equals(hotkey)).findFirst();
    }
}
