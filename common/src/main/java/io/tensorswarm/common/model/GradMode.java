package io.tensorswarm.common.model;

import ai.djl.pytorch.jni.JniUtils;

/**
 * Switches PyTorch's thread-local autograd recording off for a scope, so inference builds no graph.
 *
 * <pre>{@code
 * try (GradMode.Guard g = GradMode.disabled()) { ... forward passes ... }
 * }</pre>
 */
public final class GradMode {
    private GradMode() {}

    /** Restores the previous autograd mode when closed. */
    public interface Guard extends AutoCloseable {
        @Override
        void close();
    }

    /** Turns gradient recording off until the returned guard is closed. */
    public static Guard disabled() {
        boolean previous = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        return () -> JniUtils.setGradMode(previous);
    }
}
