package io.tensorswarm.chain.auth;

import io.tensorswarm.chain.crypto.Sr25519KeyPair;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.Buffer;

/**
 * Signs HTTP requests with a hotkey for one subnet: returns the five {@code X-TS-*} headers of the
 * scheme in {@link SignedRequest}, with a fresh random nonce and the current time, for the host the
 * request goes to. As an OkHttp {@link Interceptor} it signs every request of a client, host and
 * body included, and sends exactly the {@code Host} header it signed. Safe for concurrent use.
 *
 * <pre>{@code
 * OkHttpClient http = new OkHttpClient.Builder()
 *         .addInterceptor(new RequestSigner(hotkey, netuid))
 *         .build();
 * // or, with any other client (send a Host header equal to the one signed):
 * Map<String, String> headers = new RequestSigner(hotkey, netuid)
 *         .headers("POST", "orch.example.com:8484", "/v1/heartbeat", body);
 * }</pre>
 */
public final class RequestSigner implements Interceptor {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Sr25519KeyPair hotkey;
    private final int netuid;
    private final Clock clock;

    /** Signs with {@code hotkey} for subnet {@code netuid} and the system clock. */
    public RequestSigner(Sr25519KeyPair hotkey, int netuid) {
        this(hotkey, netuid, Clock.systemUTC());
    }

    /** Signs with {@code hotkey} for subnet {@code netuid}, taking timestamps from {@code clock}. */
    public RequestSigner(Sr25519KeyPair hotkey, int netuid, Clock clock) {
        this.hotkey = Objects.requireNonNull(hotkey, "hotkey");
        this.netuid = netuid;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Returns the hotkey's SS58 address, as sent in {@link SignedRequest#HOTKEY_HEADER}. */
    public String hotkeyAddress() {
        return hotkey.ss58Address();
    }

    /** Returns the subnet named in every signature. */
    public int netuid() {
        return netuid;
    }

    /**
     * Returns the signature headers (name → value, in the order of the scheme) for a request.
     *
     * @param method the HTTP method
     * @param host the {@code Host} header the request will carry, e.g. {@code 127.0.0.1:8484}
     * @param target the raw path plus {@code ?} and the raw query when there is one, exactly as sent
     * @param body the body bytes, empty for none
     */
    public Map<String, String> headers(String method, String host, String target, byte[] body) {
        long timestamp = clock.millis();
        byte[] nonceBytes = new byte[SignedRequest.NONCE_BYTES];
        RANDOM.nextBytes(nonceBytes);
        String nonce = HexFormat.of().formatHex(nonceBytes);
        byte[] message = SignedRequest.message(method, host, netuid, target, timestamp, nonce,
                SignedRequest.bodySha256Hex(body));
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(SignedRequest.HOTKEY_HEADER, hotkey.ss58Address());
        headers.put(SignedRequest.NETUID_HEADER, Integer.toString(netuid));
        headers.put(SignedRequest.TIMESTAMP_HEADER, Long.toString(timestamp));
        headers.put(SignedRequest.NONCE_HEADER, nonce);
        headers.put(SignedRequest.SIGNATURE_HEADER, "0x" + HexFormat.of().formatHex(hotkey.sign(message)));
        return headers;
    }

    /**
     * Signs the request and proceeds. The body is read into memory once and re-attached, so
     * one-shot and duplex bodies are refused.
     *
     * @throws IllegalStateException for a one-shot or duplex body
     */
    @Override
    public Response intercept(Interceptor.Chain chain) throws IOException {
        Request request = chain.request();
        RequestBody body = request.body();
        byte[] bytes = new byte[0];
        Request.Builder builder = request.newBuilder();
        if (body != null) {
            if (body.isOneShot() || body.isDuplex()) {
                throw new IllegalStateException("cannot sign a one-shot or duplex request body");
            }
            Buffer buffer = new Buffer();
            body.writeTo(buffer);
            bytes = buffer.readByteArray();
            builder.method(request.method(), RequestBody.create(bytes, body.contentType()));
        }
        HttpUrl url = request.url();
        String host = SignedRequest.hostHeader(url.scheme(), url.host(), url.port());
        String target = SignedRequest.target(url.encodedPath(), url.encodedQuery());
        builder.header("Host", host);
        headers(request.method(), host, target, bytes).forEach(builder::header);
        return chain.proceed(builder.build());
    }
}
