package io.tensorswarm.chain;

/**
 * Thrown when an extrinsic reached a block but failed to dispatch, or was refused by the
 * transaction pool; carries the runtime's error name ({@code SubtensorModule.SettingWeightsTooFast})
 * so daemons branch on {@link #errorName()}, never on message text.
 */
public class DispatchException extends ChainException {
    private static final long serialVersionUID = 1L;

    private final String pallet;
    private final String error;

    public DispatchException(String pallet, String error, String docs) {
        super(pallet + "." + error + (docs == null || docs.isBlank() ? "" : ": " + docs.strip().replace('\n', ' ')));
        this.pallet = pallet;
        this.error = error;
    }

    /** Returns the pallet that raised the error, e.g. {@code SubtensorModule}. */
    public String pallet() {
        return pallet;
    }

    /** Returns the error's variant name, e.g. {@code SettingWeightsTooFast}. */
    public String errorName() {
        return error;
    }
}
