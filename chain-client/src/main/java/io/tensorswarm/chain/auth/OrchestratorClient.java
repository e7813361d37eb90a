package io.tensorswarm.chain.auth;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tensorswarm.chain.crypto.Sr25519KeyPair;
import io.tensorswarm.common.RedactedUrl;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * Calls a subnet orchestrator's HTTP API (docs/orchestrator.md) as a hotkey: every request is signed
 * by a {@link RequestSigner} (fresh timestamp and nonce, domain tag {@link SignedRequest#DOMAIN}) for
 * the URL's host and this client's netuid, so no other orchestrator or subnet accepts it.
 * Every call is bounded by one timeout (5 s by default) covering connecting, sending and reading, and
 * fails with an {@link OrchestratorException}: status 0 when no answer came in time, else the
 * server's status and one-line reason. No connection is kept between calls and redirects are not
 * followed (a signature covers one target). Safe for concurrent use; close it to release its
 * resources.
 *
 * <p>Daemons send heartbeats through a {@link HeartbeatReporter}, which never throws and limits how
 * often a down orchestrator is tried.
 *
 * <pre>{@code
 * try (OrchestratorClient orchestrator = new OrchestratorClient("http://127.0.0.1:8484/", hotkey, netuid)) {
 *     orchestrator.heartbeat(HeartbeatStats.of("miner", "r=3 training"));
 *     long round = orchestrator.round().round();
 * }
 * }</pre>
 */
public final class OrchestratorClient implements AutoCloseable {
    /** The default bound of one call. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    /** Longest response body read; longer answers are refused. */
    static final int MAX_RESPONSE_BYTES = 1 << 20;

    private static final MediaType JSON_TYPE = MediaType.get("application/json");
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final HttpUrl base;
    private final int netuid;
    private final String hotkeyAddress;
    private final Duration timeout;
    private final OkHttpClient http;

    /**
     * The orchestrator's answer to a heartbeat: the caller's roster entry.
     *
     * @param hotkey the caller's hotkey as the orchestrator recorded it
     * @param lastSeenMillis when this heartbeat arrived, Unix milliseconds (the orchestrator's clock)
     * @param heartbeats heartbeats the orchestrator has recorded from this hotkey
     */
    public record HeartbeatReceipt(String hotkey, long lastSeenMillis, long heartbeats) {}

    /**
     * The round clock as the orchestrator sees it ({@code GET /v1/round}).
     *
     * @param round the current round
     * @param block the chain's best block
     * @param roundBlocks blocks per round
     * @param roundStartBlock the round's first block
     * @param deadlineBlock commitments for the round must be in an earlier block
     * @param nextRoundStartBlock the next round's first block
     * @param baseRevision the current base model's revision, or null before the first one
     * @param baseRound the first round that trains on it, or null
     */
    public record RoundInfo(long round, long block, long roundBlocks, long roundStartBlock, long deadlineBlock,
            long nextRoundStartBlock, String baseRevision, Long baseRound) {}

    /**
     * A hotkey's pages for a round ({@code GET /v1/assignment}).
     *
     * @param round the round
     * @param hotkey the hotkey (SS58 format 42)
     * @param datasetFingerprint the dataset and tokenization the pages index, 64 hex characters
     * @param pageCount pages in that dataset
     * @param pages the assigned page indices
     */
    public record Assignment(long round, String hotkey, String datasetFingerprint, long pageCount, long[] pages) {}

    /**
     * Creates a client with the {@link #DEFAULT_TIMEOUT}.
     *
     * @param baseUrl the orchestrator's address, {@code http(s)://host:port/} (a path prefix is kept)
     * @param hotkey the hotkey that signs every request
     * @param netuid the subnet the caller serves: every signature names it, and the orchestrator admits the
     *     hotkeys of its subnet only
     * @throws IllegalArgumentException when {@code baseUrl} is not an http or https URL without query
     */
    public OrchestratorClient(String baseUrl, Sr25519KeyPair hotkey, int netuid) {
        this(baseUrl, hotkey, netuid, DEFAULT_TIMEOUT, Clock.systemUTC());
    }

    /**
     * Creates a client whose calls each take at most {@code timeout}, signing with timestamps of {@code clock}.
     *
     * @throws IllegalArgumentException for a bad URL or a timeout that is not positive
     */
    public OrchestratorClient(String baseUrl, Sr25519KeyPair hotkey, int netuid, Duration timeout, Clock clock) {
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(hotkey, "hotkey");
        Objects.requireNonNull(timeout, "timeout");
        HttpUrl url = HttpUrl.parse(baseUrl.strip());
        if (url == null) {
            throw new IllegalArgumentException("orchestrator URL must be http://host:port/ or https://..., got '"
                    + baseUrl + "'");
        }
        if (url.encodedQuery() != null || url.encodedFragment() != null) {
            throw new IllegalArgumentException("orchestrator URL must not have a query or fragment: " + baseUrl);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        String path = url.encodedPath();
        this.base = path.endsWith("/") ? url : url.newBuilder().encodedPath(path + "/").build();
        this.netuid = netuid;
        this.timeout = timeout;
        RequestSigner signer = new RequestSigner(hotkey, netuid, clock);
        this.hotkeyAddress = signer.hotkeyAddress();
        this.http = new OkHttpClient.Builder()
                .addInterceptor(signer)
                .callTimeout(timeout)
                .connectTimeout(timeout)
                .readTimeout(timeout)
                .writeTimeout(timeout)
                .followRedirects(false)
                .followSslRedirects(false)
                .connectionPool(new ConnectionPool(0, 1, TimeUnit.SECONDS))
                .build();
    }

    /** Returns the orchestrator's base URL, ending with {@code /}. */
    public String baseUrl() {
        return base.toString();
    }

    /** Returns the base URL as logs and errors show it: without credentials ({@link RedactedUrl}). */
    public String shownUrl() {
        return RedactedUrl.of(base.toString());
    }

    /** Returns the subnet this client serves. */
    public int netuid() {
        return netuid;
    }

    /** Returns the bound of one call. */
    public Duration timeout() {
        return timeout;
    }

    /**
     * Sends a signed heartbeat ({@code POST /v1/heartbeat}) and returns the roster entry the
     * orchestrator recorded.
     *
     * @throws OrchestratorException when no answer came within the timeout or the answer is an error
     */
    public HeartbeatReceipt heartbeat(HeartbeatStats stats) {
        Objects.requireNonNull(stats, "stats");
        HttpUrl url = base.resolve("v1/heartbeat");
        JsonNode entry = call(new Request.Builder().url(url).post(RequestBody.create(stats.toJson(), JSON_TYPE)).build());
        return new HeartbeatReceipt(entry.path("hotkey").asText(hotkeyAddress), entry.path("lastSeenMillis").asLong(),
                entry.path("heartbeats").asLong());
    }

    /**
     * Returns the orchestrator's round clock and current base revision ({@code GET /v1/round}, signed
     * although the endpoint does not require it).
     *
     * @throws OrchestratorException when no answer came within the timeout or the answer is an error
     */
    public RoundInfo round() {
        return convert(call(new Request.Builder().url(base.resolve("v1/round")).get().build()), RoundInfo.class);
    }

    /**
     * Returns this client's hotkey's page assignment for {@code round} ({@code GET /v1/assignment}).
     *
     * @throws OrchestratorException when no answer came within the timeout or the answer is an error
     *     (503 while the orchestrator knows no dataset)
     */
    public Assignment assignment(long round) {
        HttpUrl url = base.resolve("v1/assignment").newBuilder()
                .addQueryParameter("hotkey", hotkeyAddress)
                .addQueryParameter("round", Long.toString(round))
                .build();
        return convert(call(new Request.Builder().url(url).get().build()), Assignment.class);
    }

    private JsonNode call(Request request) {
        String what = request.method() + " " + request.url().encodedPath();
        try (Response response = http.newCall(request).execute()) {
            byte[] body = read(response.body());
            if (response.code() != 200) {
                throw new OrchestratorException(response.code(), "orchestrator " + shownUrl() + " answered "
                        + response.code() + " to " + what + ": " + reason(body) + hint(response.code()), null);
            }
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new OrchestratorException(response.code(), "orchestrator " + shownUrl() + " answered " + what
                        + " with a body that is not JSON", e);
            }
        } catch (IOException e) {
            throw new OrchestratorException(0, "orchestrator " + shownUrl() + ": " + what + " got no answer: "
                    + oneLine(String.valueOf(e.getMessage())) + " (calls time out after " + timeout.toMillis() + " ms)", e);
        }
    }

    private <T> T convert(JsonNode node, Class<T> type) {
        try {
            return JSON.treeToValue(node, type);
        } catch (IOException | IllegalArgumentException e) {
            throw new OrchestratorException(200, "orchestrator " + shownUrl() + " answered with an unexpected "
                    + type.getSimpleName() + ": " + oneLine(String.valueOf(e.getMessage())), e);
        }
    }

    private static byte[] read(ResponseBody body) throws IOException {
        if (body == null) {
            return new byte[0];
        }
        try (InputStream in = body.byteStream()) {
            byte[] bytes = in.readNBytes(MAX_RESPONSE_BYTES + 1);
            if (bytes.length > MAX_RESPONSE_BYTES) {
                throw new IOException("response larger than " + MAX_RESPONSE_BYTES + " bytes");
            }
            return bytes;
        }
    }

    private String hint(int status) {
        return status == 403 ? " (is hotkey " + hotkeyAddress + " registered on netuid " + netuid
                + ", the orchestrator's subnet?)" : "";
    }

    /** The {@code error} field of an error body, or the body's first 200 characters. */
    private static String reason(byte[] body) {
        try {
            JsonNode node = JSON.readTree(body);
            if (node != null && node.path("error").isTextual()) {
                return oneLine(node.path("error").asText());
            }
        } catch (IOException e) {
            // not JSON: fall through
        }
        String text = new String(body, StandardCharsets.UTF_8);
        return oneLine(text.length() > 200 ? text.substring(0, 200) + "…" : text);
    }

    private static String oneLine(String s) {
        return s.replaceAll("\\p{Cntrl}", " ").strip();
    }

    /** Releases the client's threads and connections; calls in progress finish. */
    @Override
    public void close() {
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }
}
