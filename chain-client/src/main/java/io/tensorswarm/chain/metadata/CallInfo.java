package io.tensorswarm.chain.metadata;

import java.util.List;

/**
 * A dispatchable call: its pallet and call indices (the first two bytes of an encoded call) and
 * its argument fields in encoding order.
 */
public record CallInfo(String pallet, int palletIndex, String name, int callIndex, List<Field> fields, List<String> docs) {
    /** Copies the lists. */
    public CallInfo {
        fields = List.copyOf(fields);
        docs = List.copyOf(docs);
    }
}
