package io.tensorswarm.orchestrator.http;

import io.tensorswarm.common.ops.http.HttpReply;
import io.tensorswarm.common.ops.http.RefusalBody;
import java.util.Map;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The API's JSON answers, with the headers every one of them carries: no caching, no sniffing, no
 * framing, no referrer, and a content security policy that lets a browser do nothing with them but
 * read them.
 */
final class ApiResponses {
    /** Headers of every JSON answer. */
    static final Map<String, String> JSON_HEADERS = Map.of(
            "Cache-Control", "no-store",
            "Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'; base-uri 'none'",
            "X-Frame-Options", "DENY",
            "Referrer-Policy", "no-referrer",
            "Cross-Origin-Resource-Policy", "same-origin");

    /** How the server's guard words its own refusals (429, 431, 404): {@code {"error":...}}. */
    static final RefusalBody REFUSALS = new RefusalBody() {
        @Override
        public String contentType() {
            return "application/json";
        }

        @Override
        public byte[] body(int status, String reason) {
            return Json.write(Map.of("error", reason));
        }
    };

    private ApiResponses() {}

    /** Sends {@code value} as JSON ({@link JsonBytes} as they are). */
    static void json(Request request, Response response, Callback callback, int status, Object value) {
        byte[] bytes = value instanceof JsonBytes j ? j.bytes() : Json.write(value);
        HttpReply.send(request, response, callback, status, "application/json", bytes, JSON_HEADERS);
    }

    /** Sends {@code {"error":"<message>"}} on one line. */
    static void error(Request request, Response response, Callback callback, int status, String message) {
        json(request, response, callback, status, Map.of("error", message.replace('\n', ' ').replace('\r', ' ')));
    }

    /** Returns {@code s} cut to 80 characters with control characters replaced, for error messages. */
    static String printable(String s) {
        if (s == null) {
            return "";
        }
        String cut = s.length() > 80 ? s.substring(0, 80) + "…" : s;
        return cut.replaceAll("[\\p{Cntrl}\\p{Cf}]", "?");
    }
}
