package io.tensorswarm.common.ops.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
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
 * {@code trickleMillis}, never finishing the head. Counts the connections the server closed (or
 * answered, which it does only to refuse). Bounded: it holds at most the connections asked for and
 * stops when closed.
 */
public final class SlowLoris implements AutoCloseable {
    private final List<SocketChannel> channels = new ArrayList<>();
    private final boolean[] gone;
    private final ScheduledExecutorService trickle;
    private final String path;
    private int failedToConnect;

    /** Opens {@code perAddress} connections from each of {@code localAddresses} to {@code port} on 127.0.0.1. */
    public SlowLoris(int port, List<String> localAddresses, int perAddress, String path, long trickleMillis)
            throws IOException {
        this.path = path;
        byte[] head = ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nX-Slow: ")
                .getBytes(StandardCharsets.US_ASCII);
        for (String local : localAddresses) {
            for (int i = 0; i < perAddress; i++) {
                SocketChannel ch = SocketChannel.open();
                try {
                    ch.bind(new InetSocketAddress(local, 0));
                    ch.socket().connect(new InetSocketAddress("127.0.0.1", port), 5000);
                    ch.write(ByteBuffer.wrap(head));
                    ch.configureBlocking(false);
                } catch (IOException e) {
                    failedToConnect++;
                    ch.close();
                }
                channels.add(ch);
            }
        }
        gone = new boolean[channels.size()];
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
        for (SocketChannel ch : channels) {
            if (ch.isOpen()) {
                try {
                    ch.write(ByteBuffer.wrap(new byte[] {'a'}));
                } catch (IOException e) {
                    // the server closed it; counted by closedByServer
                }
            }
        }
    }

    /** Returns how many connections the server has closed, answered or refused so far (a quick, non-blocking look). */
    public synchronized int closedByServer() {
        ByteBuffer buf = ByteBuffer.allocate(4096);
        int closed = 0;
        for (int i = 0; i < channels.size(); i++) {
            SocketChannel ch = channels.get(i);
            if (!gone[i]) {
                try {
                    buf.clear();
                    if (!ch.isOpen() || ch.read(buf) != 0) {
                        gone[i] = true; // end of stream, or an answer (the server only answers to refuse)
                    }
                } catch (IOException e) {
                    gone[i] = true;
                }
                if (gone[i]) {
                    closeQuietly(ch);
                }
            }
            closed += gone[i] ? 1 : 0;
        }
        return closed;
    }

    /** Returns how many connections could not even be opened. */
    public synchronized int failedToConnect() {
        return failedToConnect;
    }

    /** Returns how many connections this adversary opened or tried. */
    public int size() {
        return channels.size();
    }

    private static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            // gone already
        }
    }

    @Override
    public synchronized void close() {
        trickle.shutdownNow();
        channels.forEach(SlowLoris::closeQuietly);
    }
}
