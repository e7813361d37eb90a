package io.tensorswarm.orchestrator.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The dashboard page: one self-contained HTML file (inline CSS and JavaScript, no external
 * resources, so it works offline) that fetches {@code /v1/dashboard} every 5 s and draws its plots
 * as inline SVG: the loss of each base revision over rounds, each miner's incentive over rounds,
 * current incentive and validator scores per miner, round progress, and miner health (commitments
 * per round and heartbeat age).
 *
 * <p>{@link #headers()} are the headers a public page should send: a content security policy that
 * runs only this page's own script and style (by their SHA-256, no {@code 'unsafe-inline'}), lets
 * it fetch only from this server and be framed by nobody, plus no sniffing, no referrer and an
 * isolated browsing context.
 */
public final class DashboardPage {
    /** The page's resource path. */
    public static final String RESOURCE = "/io/tensorswarm/orchestrator/dashboard/dashboard.html";
    private static final byte[] HTML = load();
    private static final String CSP = "default-src 'none'; script-src " + hashOf("script") + "; style-src "
            + hashOf("style") + "; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; "
            + "frame-ancestors 'none'";

    private DashboardPage() {}

    /** Returns the page's bytes (UTF-8); a copy. */
    public static byte[] html() {
        return HTML.clone();
    }

    /** Returns the content security policy of the page. */
    public static String contentSecurityPolicy() {
        return CSP;
    }

    /** Returns the headers the page is served with (content type included). */
    public static Map<String, String> headers() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Security-Policy", CSP);
        h.put("X-Content-Type-Options", "nosniff");
        h.put("X-Frame-Options", "DENY");
        h.put("Referrer-Policy", "no-referrer");
        h.put("Cross-Origin-Opener-Policy", "same-origin");
        h.put("Cross-Origin-Resource-Policy", "same-origin");
        h.put("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()");
        h.put("Cache-Control", "no-cache");
        return h;
    }

    /** The CSP source of the page's one {@code <tag>} element: {@code 'sha256-<base64>'} of its text. */
    private static String hashOf(String tag) {
        String page = new String(HTML, StandardCharsets.UTF_8);
        String open = "<" + tag + ">";
        int start = page.indexOf(open);
        int end = page.indexOf("</" + tag + ">");
        if (start < 0 || end < start || page.indexOf(open, start + 1) >= 0) {
            throw new IllegalStateException(RESOURCE + " must hold exactly one <" + tag + "> element");
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(page.substring(start + open.length(), end).getBytes(StandardCharsets.UTF_8));
            return "'sha256-" + Base64.getEncoder().encodeToString(digest) + "'";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from the JDK", e);
        }
    }

    private static byte[] load() {
        try (InputStream in = DashboardPage.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + RESOURCE + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }
}
