package io.tensorswarm.storage.s3;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy in front of a real S3 server that answers the first request of some connections
 * with an injected error (503 SlowDown, 500 InternalError) and forwards everything else, asking
 * the server to close each connection after one response.
 */
final class FaultInjectingProxy implements AutoCloseable {
    /** One queued fault: the request line must start with {@code methodAndPathPrefix}. */
    record Fault(String methodAndPathPrefix, int status, String code) {}

    private final ServerSocket socket;
    private final URI upstream;
    private final List<Fault> faults = new CopyOnWriteArrayList<>();
    final List<String> requestLines = new CopyOnWriteArrayList<>();
    final List<String> injected = new CopyOnWriteArrayList<>();

    FaultInjectingProxy(URI upstream) throws IOException {
        this.upstream = upstream;
        this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::acceptLoop, "fault-proxy");
        t.setDaemon(true);
        t.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + socket.getLocalPort());
    }

    void inject(String methodAndPathPrefix, int status, String code) {
        faults.add(new Fault(methodAndPathPrefix, status, code));
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try {
                Socket client = socket.accept();
                Thread t = new Thread(() -> serve(client), "fault-proxy-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            byte[] head = readHead(in);
            if (head == null) {
                return;
            }
            String requestLine = new String(head, StandardCharsets.ISO_8859_1).split("\r\n", 2)[0];
            requestLines.add(requestLine);
            for (Fault f : faults) {
                if (requestLine.startsWith(f.methodAndPathPrefix()) && faults.remove(f)) {
                    injected.add(requestLine);
                    byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + f.code()
                            + "</Code><Message>injected</Message></Error>").getBytes(StandardCharsets.UTF_8);
                    OutputStream out = client.getOutputStream();
                    out.write(("HTTP/1.1 " + f.status() + " Injected\r\nContent-Type: application/xml\r\nContent-Length: " + body.length
                            + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    out.write(body);
                    out.flush();
                    client.shutdownOutput();
                    in.transferTo(OutputStream.nullOutputStream());
                    return;
                }
            }
            try (Socket server = new Socket(upstream.getHost(), upstream.getPort())) {
                // One request per connection, so every request passes the fault check.
                String h = new String(head, StandardCharsets.ISO_8859_1).replaceAll("(?im)^connection:.*\r\n", "");
                h = h.substring(0, h.length() - 2) + "Connection: close\r\n\r\n";
                server.getOutputStream().write(h.getBytes(StandardCharsets.ISO_8859_1));
                Thread back = new Thread(() -> pump(server, client), "fault-proxy-back");
                back.setDaemon(true);
                back.start();
                pump(client, server);
                back.join();
            }
        } catch (IOException | InterruptedException e) {
            // connection ended
        }
    }

    private static void pump(Socket from, Socket to) {
        try {
            from.getInputStream().transferTo(to.getOutputStream());
            to.shutdownOutput();
        } catch (IOException e) {
            // one side closed
        }
    }

    /** Reads up to and including the blank line ending the request head. */
    private static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int state = 0;
        int c;
        while ((c = in.read()) >= 0) {
            b.write(c);
            state = (c == '\r' && (state == 0 || state == 2)) ? state + 1 : (c == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
            if (state == 4) {
                return b.toByteArray();
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
