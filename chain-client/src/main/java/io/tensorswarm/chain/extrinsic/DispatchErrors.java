package io.tensorswarm.chain.extrinsic;

import io.tensorswarm.chain.DispatchException;
import io.tensorswarm.chain.metadata.ErrorInfo;
import io.tensorswarm.chain.metadata.MetadataException;
import io.tensorswarm.chain.metadata.RuntimeMetadata;
import io.tensorswarm.chain.metadata.VariantValue;
import java.util.Map;

/**
 * Turns a decoded {@code sp_runtime::DispatchError} into a {@link DispatchException}: {@code
 * Module{index, error}} is resolved through the metadata to the pallet's error variant and its docs
 * ({@code SubtensorModule.SettingWeightsTooFast}); the other variants keep their names ({@code
 * DispatchError.BadOrigin}, {@code Token.FundsUnavailable}).
 */
public final class DispatchErrors {
    private DispatchErrors() {}

    /** Returns the exception for {@code dispatchError}, a value decoded with the runtime's types. */
    public static DispatchException toException(RuntimeMetadata md, Object dispatchError) {
        if (!(dispatchError instanceof VariantValue v)) {
            return new DispatchException("DispatchError", "Unknown", String.valueOf(dispatchError));
        }
        if (v.name().equals("Module")) {
            return moduleError(md, v.value());
        }
        if (v.value() instanceof VariantValue inner) {
            return new DispatchException(v.name(), inner.name(), null);
        }
        return new DispatchException("DispatchError", v.name(), null);
    }

    private static DispatchException moduleError(RuntimeMetadata md, Object value) {
        if (!(value instanceof Map<?, ?> fields)) {
            return new DispatchException("DispatchError", "Module", String.valueOf(value));
        }
        int pallet = ((Number) fields.get("index")).intValue();
        Object error = fields.get("error");
        int index = error instanceof byte[] b ? b[0] & 0xff : ((Number) error).intValue();
        try {
            ErrorInfo info = md.error(pallet, index);
            return new DispatchException(info.pallet(), info.name(), String.join(" ", info.docs()));
        } catch (MetadataException e) {
            return new DispatchException("Pallet" + pallet, "Error" + index, "not in the runtime metadata");
        }
    }
}
