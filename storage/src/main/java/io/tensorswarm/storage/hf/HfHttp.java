package io.tensorswarm.storage.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tensorswarm.storage.StorageException;
import io.tensorswarm.storage.StorageException.Kind;
import io.tensorswarm.storage.StorageOptions;
import io.tensorswarm.storage.transfer.Retrier;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * The HTTP layer of the Hub client: one shared {@link OkHttpClient} that never follows redirects
 * by itself, the token sent only to the endpoint's own host, retries with backoff on 408, 429
 * ({@code Retry-After}), 5xx and broken connections, response bodies read under a cap, and
 * redirect targets checked against the allowed hosts. Thread-safe.
 */
final class HfHttp {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_JSON_BYTES = 32L << 20;
    private static final Set<Integer> RETRY_STATUS = Set.of(408, 429, 500, 502, 503, 504);

    private final OkHttpClient client;
    private final HttpUrl endpoint;
    private final String token;
    private final List<String> redirectHosts;
    private final Retrier retrier;
    private volatile boolean closed;

    HfHttp(StorageOptions options) {
        this.endpoint = HttpUrl.get(options.hfEndpoint().toString());
        this.token = options.hfToken();
        this.redirectHosts = options.hfRedirectHosts();
        this.retrier = new Retrier(options);
        this.client = new OkHttpClient.Builder()
                .followRedirects(false)
                .followSslRedirects(false)
                .retryOnConnectionFailure(false)
                .connectTimeout(options.connectTimeout())
                .readTimeout(options.readTimeout())
                .writeTimeout(options.readTimeout())
                .build();
    }

    /**
     * Cancels every call in flight and drops idle connections: a reader blocked on a silent server
     * fails at once instead of waiting out its read timeout, and later calls fail without retries.
     */
    void close() {
        closed = true;
        client.dispatcher().cancelAll();
        client.connectionPool().evictAll();
    }

    HttpUrl endpoint() {
        return endpoint;
    }

    Retrier retrier() {
        return retrier;
    }

    /** Returns {@code endpoint + path} where {@code path} is already percent-encoded. */
    HttpUrl url(String encodedPath) {
        return endpoint.newBuilder().encodedPath(encodedPath).build();
    }

    /** Returns whether the token may be sent to {@code url}: only to the endpoint's scheme, host and port. */
    boolean isEndpoint(HttpUrl url) {
        return url.scheme().equals(endpoint.scheme()) && url.host().equalsIgnoreCase(endpoint.host()) && url.port() == endpoint.port();
    }

    /** Throws {@code PROTOCOL} unless {@code url} is the endpoint or an allowed redirect host. */
    void checkRedirect(String what, HttpUrl url) {
        if (isEndpoint(url)) {
            return;
        }
        String host = url.host().toLowerCase(Locale.ROOT);
        boolean secureOrSameScheme = url.isHttps() || url.scheme().equals(endpoint.scheme());
        for (String allowed : redirectHosts) {
            String a = allowed.toLowerCase(Locale.ROOT);
            boolean match = a.startsWith(".") ? host.endsWith(a) || host.equals(a.substring(1)) : host.equals(a);
            if (match && secureOrSameScheme) {
                return;
            }
        }
        throw new StorageException(Kind.PROTOCOL, what + ": refused redirect to foreign host " + url.host());
    }

    /**
     * Sends one request (the token added only for the endpoint) and returns the response when its
     * status is below 400; maps other statuses and I/O failures to {@link StorageException}. The
     * caller closes the response. Not retried: see {@link #sendWithRetry}.
     */
    Response send(String what, Request request) {
        Request.Builder rb = request.newBuilder().header("User-Agent", "tensorswarm-storage/0.1; hf_hub/compatible");
        if (token != null && isEndpoint(request.url())) {
            rb.header("Authorization", "Bearer " + token);
        } else {
            rb.removeHeader("Authorization");
        }
        Response response;
        try {
            if (closed) {
                throw new InterruptedIOException("the store is closed");
            }
            response = client.newCall(rb.build()).execute();
        } catch (SocketTimeoutException e) {
            throw new StorageException(Kind.TIMEOUT, what + ": Hub did not answer in time", e);
        } catch (InterruptedIOException e) {
            throw new StorageException(Kind.INTERRUPTED, what + ": interrupted", e);
        } catch (IOException e) {
            if (closed) { // cancelled by close(): not worth a retry
                throw new StorageException(Kind.INTERRUPTED, what + ": the store was closed", e);
            }
            throw new StorageException(Kind.UNAVAILABLE, what + ": cannot reach " + request.url().host() + ": " + e.getMessage(), e);
        }
        if (response.code() >= 400) {
            try (response) {
                throw HfErrors.map(what, response, smallBody(response));
            }
        }
        return response;
    }

    /** {@link #send} retried on 408, 429, 5xx and connection failures. */
    Response sendWithRetry(String what, Request request) {
        return retrier.call(what, () -> send(what, request));
    }

    /** Sends with retries and parses a JSON answer of at most 32 MiB. */
    JsonNode json(String what, Request request, boolean retry) {
        try (Response r = retry ? sendWithRetry(what, request) : send(what, request)) {
            if (r.code() >= 300) {
                throw new StorageException(Kind.PROTOCOL, what + ": unexpected redirect " + r.code());
            }
            byte[] bytes = readCapped(what, r.body(), MAX_JSON_BYTES);
            return bytes.length == 0 ? JSON.createObjectNode() : JSON.readTree(bytes);
        } catch (IOException e) {
            throw new StorageException(Kind.PROTOCOL, what + ": Hub sent malformed JSON: " + oneLine(e.getMessage()), e);
        }
    }

    /** Reads a body of at most {@code max} bytes; more is a {@code PROTOCOL} error. */
    static byte[] readCapped(String what, ResponseBody body, long max) {
        if (body == null) {
            return new byte[0];
        }
        try (InputStream in = body.byteStream()) {
            byte[] out = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 16, max + 1));
            if (out.length > max) {
                throw new StorageException(Kind.PROTOCOL, what + ": Hub answer larger than " + max + " bytes");
            }
            return out;
        } catch (SocketTimeoutException e) {
            throw new StorageException(Kind.TIMEOUT, what + ": Hub answer stalled", e);
        } catch (IOException e) {
            throw new StorageException(Kind.UNAVAILABLE, what + ": connection broke: " + e.getMessage(), e);
        }
    }

    static boolean retryableStatus(int status) {
        return RETRY_STATUS.contains(status);
    }

    private static String smallBody(Response response) {
        try {
            return new String(readCapped("error body", response.body(), 4096), StandardCharsets.UTF_8);
        } catch (StorageException e) {
            return "";
        }
    }

    static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("[\\r\\n]+", " ");
    }
}
