package io.tensorswarm.common.ops.http;

import java.nio.charset.StandardCharsets;

/**
 * How a {@link GuardedHttpServer} words the answers its guard gives itself (429, 431): a content
 * type and a body for a status and a one-line reason.
 */
public interface RefusalBody {
    /** Plain text: the reason and a newline. */
    RefusalBody TEXT = new RefusalBody() {
        @Override
        public String contentType() {
            return "text/plain; charset=utf-8";
        }

        @Override
        public byte[] body(int status, String reason) {
            return (reason + "\n").getBytes(StandardCharsets.UTF_8);
        }
    };

    /** Returns the content type of the body. */
    String contentType();

    /** Returns the body of a refusal with {@code status} for {@code reason} (one line, no quotes or control characters). */
    byte[] body(int status, String reason);
}
