package io.tensorswarm.chain.crypto;

import java.nio.charset.StandardCharsets;

/** Builds the Merlin transcripts of Schnorrkel signing in Substrate's signing context. */
final class SigningTranscripts {
    /** sp-core's {@code SIGNING_CTX}. */
    static final byte[] SUBSTRATE_CONTEXT = "substrate".getBytes(StandardCharsets.US_ASCII);

    private SigningTranscripts() {}

    /**
     * Returns the transcript up to and including {@code sign:pk}: signing context "substrate",
     * {@code sign-bytes} = message, {@code proto-name} = "Schnorr-sig", {@code sign:pk} = key.
     */
    static MerlinTranscript signingTranscript(byte[] message, byte[] publicKey) {
        MerlinTranscript t = new MerlinTranscript("SigningContext");
        t.appendMessage(new byte[0], SUBSTRATE_CONTEXT);
        t.appendMessage("sign-bytes", message);
        t.appendMessage("proto-name", "Schnorr-sig".getBytes(StandardCharsets.US_ASCII));
        t.appendMessage("sign:pk", publicKey);
        return t;
    }
}
