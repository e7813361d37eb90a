package io.tensorswarm.chain.local;

import io.tensorswarm.chain.DispatchException;

/**
 * The runtime errors the local chain raises, named exactly as subtensor's {@code SubtensorModule}
 * and {@code Commitments} pallets name them (spec-381 metadata), with short docs.
 */
final class DispatchErrors {
    static final String SUBTENSOR = "SubtensorModule";
    static final String COMMITMENTS = "Commitments";

    private DispatchErrors() {}

    static DispatchException subtensor(String error, String docs) {
        return new DispatchException(SUBTENSOR, error, docs);
    }

    static DispatchException subnetNotExists(int netuid) {
        return subtensor("SubnetNotExists", "The subnet " + netuid + " does not exist.");
    }

    static DispatchException hotkeyNotRegistered(int netuid, String hotkey) {
        return subtensor("HotKeyNotRegisteredInSubNet", "The hotkey " + hotkey + " is not registered in subnet " + netuid + ".");
    }

    static DispatchException commitments(String error, String docs) {
        return new DispatchException(COMMITMENTS, error, docs);
    }
}
