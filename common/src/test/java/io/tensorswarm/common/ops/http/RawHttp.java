package io.tensorswarm.common.ops.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * Sends one hand-written HTTP/1.1 request over a fresh socket from a chosen local address and
 * returns the status line's code (0 when the server closed without answering), for tests that
 * need requests no well-behaved client sends, and bounded answer times.
 */
public final class RawHttp {
    private RawHttp() {}

    /** A reply: status code (0 for none), the whole response text, and how long it took. */
    public record Reply(int status, String text, long millis) {}

    /** Sends {@code request} (CRLFs included) from {@code local} to 127.0.0.1:{@code port}; waits at most {@code timeoutMillis}. */
    public static Reply send(String local, int port, String request, int timeoutMillis) throws IOException {
        long t0 = System.nanoTime();
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(local, 0));
            s.setSoTimeout(timeoutMillis);
            s.connect(new InetSocketAddress("127.0.0.1", port), timeoutMillis);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[8192];
            try {
                int n;
                while ((n = in.read(buf)) > 0) {
                    out.write(buf, 0, n);
                    if (complete(out.toString(StandardCharsets.ISO_8859_1))) {
                        break;
                    }
                }
            } catch (SocketTimeoutException | java.net.SocketException e) {
                // answer what arrived
            }
            String text = out.toString(StandardCharsets.ISO_8859_1);
            int status = text.startsWith("HTTP/1.1 ") && text.length() >= 12 ? Integer.parseInt(text.substring(9, 12)) : 0;
            return new Reply(status, text, (System.nanoTime() - t0) / 1_000_000);
        }
    }

    /** GET {@code path} with a Host header, closing the connection after. */
    public static Reply get(String local, int port, String path, int timeoutMillis) throws IOException {
        return send(local, port, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n\r\n",
                timeoutMillis);
    }

    private static boolean complete(String text) {
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            return false;
        }
        String head = text.substring(0, end).toLowerCase();
        int cl = head.indexOf("content-length:");
        if (cl < 0) {
            return false;
        }
        int eol = head.indexOf("\r\n", cl);
        int length = Integer.parseInt(head.substring(cl + 15, eol < 0 ? head.length() : eol).strip());
        return text.length() - end - 4 >= length;
    }
}
