package io.tensorswarm.common.ops.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * An adversary for the HTTP servers' tests and benchmark: opens connections from given local
 * addresses (any of 127.0.0.0/8, so per-address limits can be told apart from the honest client's
 * 127.0.0.1), sends a request line and a {@code Host} header, then one more header byte every
 * {@code trickleMillis}, never finishing the head. Counts the connections the server closed.
 * Bounded: it holds at most the connections asked for and stops when closed.
 */
public final class SlowLoris implements AutoCloseable {
    private final List<Socket> sockets = new ArrayList<>();
    private final ScheduledExecutorService trickle;
    private final String path;

    /**
     * Opens {@code perAddress} connections from each of {@code localAddresses} to {@code port} on
     * 127.0.0.1; a connection the server refuses outright counts as closed.
     */
    public SlowLoris(int port, List<String> localAddresses, int perAddress, String path, long trickleMillis)
            throws IOException {
        this.path = path;
        for (String local : localAddresses) {
            for (int i = 0; i < perAddress; i++) {
                Socket s = new Socket();
                s.bind(new InetSocketAddress(local, 0));
                s.setSoTimeout(50);
                try {
                    s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
                    OutputStream out = s.getOutputStream();
                    out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nX-Slow: ")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                } catch (IOException e) {
                    s.close();
                }
                sockets.add(s);
            }
        }
        trickle = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "slowloris");
            t.setDaemon(true);
            return t;
        });
        trickle.scheduleWithFixedDelay(this::trickle, trickleMillis, trickleMillis, TimeUnit.MILLISECONDS);
    }

    /** Returns the path the slow requests name. */
    public String path() {
        return path;
    }

    private synchronized void trickle() {
        for (Socket s : sockets) {
            if (!s.isClosed()) {
                try {
                    s.getOutputStream().write('a');
                } catch (IOException e) {
                    closeQuietly(s);
                }
            }
        }
    }

    /** Returns how many connections the server has closed (or refused) so far. */
    public synchronized int closedByServer() {
        int closed = 0;
        for (Socket s : sockets) {
            if (s.isClosed()) {
                closed++;
                continue;
            }
            try {
                InputStream in = s.getInputStream();
                int b = in.read();
                if (b < 0) {
                    closeQuietly(s);
                    closed++;
                } else {
                    // the server answered (an error page): it will close; drain and count it closed
                    closeQuietly(s);
                    closed++;
                }
            } catch (java.net.SocketTimeoutException e) {
                // still open
            } catch (IOException e) {
                closeQuietly(s);
                closed++;
            }
        }
        return closed;
    }

    /** Returns how many connections this adversary opened or tried. */
    public int size() {
        return sockets.size();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // gone already
        }
    }

    @Override
    public synchronized void close() {
        trickle.shutdownNow();
        sockets.forEach(SlowLoris::closeQuietly);
    }
}
