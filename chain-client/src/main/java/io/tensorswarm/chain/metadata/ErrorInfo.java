package io.tensorswarm.chain.metadata;

import java.util.List;

/** A pallet error variant, as named by a {@code DispatchError::Module{index, error}}. */
public record ErrorInfo(String pallet, int palletIndex, String name, int errorIndex, List<String> docs) {
    /** Copies the docs. */
    public ErrorInfo {
        docs = List.copyOf(docs);
    }

    /** Returns {@code Pallet.Name}, e.g. {@code SubtensorModule.SettingWeightsTooFast}. */
    public String qualifiedName() {
        return pallet + "." + name;
    }
}
