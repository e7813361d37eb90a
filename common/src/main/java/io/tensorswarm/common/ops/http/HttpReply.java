package io.tensorswarm.common.ops.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Writes a whole response held in memory without blocking a thread: status, headers, {@code
 * Content-Length}, and the body in one asynchronous write (none for {@code HEAD}), so a client that
 * reads slowly holds a connection, never a worker thread. Every reply says {@code
 * X-Content-Type-Options: nosniff}.
 */
public final class HttpReply {
    private HttpReply() {}

    /** Sends {@code body} with {@code status}, content type and extra headers, then completes {@code callback}. */
    public static void send(Request request, Response response, Callback callback, int status, String contentType,
            byte[] body, Map<String, String> headers) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        headers.forEach((name, value) -> response.getHeaders().put(name, value));
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        boolean head = "HEAD".equals(request.getMethod());
        response.write(true, head ? ByteBuffer.allocate(0) : ByteBuffer.wrap(body), callback);
    }

    /** Sends a short plain-text answer. */
    public static void text(Request request, Response response, Callback callback, int status, String text) {
        send(request, response, callback, status, "text/plain; charset=utf-8",
                (text + "\n").getBytes(StandardCharsets.UTF_8), Map.of("Cache-Control", "no-store"));
    }
}
