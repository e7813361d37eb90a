package io.tensorswarm.gym.net;

/** What {@code miner publish --upload} does after committing. */
public enum UploadMode {
    /** Uploads delta and manifest once the round's upload window opens (the honest path). */
    AFTER_DEADLINE("after-deadline"),
    /** Commits only (the lazy miner). */
    NEVER("never");

    private final String flagValue;

    UploadMode(String flagValue) {
        this.flagValue = flagValue;
    }

    public String flagValue() {
        return flagValue;
    }
}
