package io.tensorswarm.orchestrator.bench;

import io.tensorswarm.chain.auth.RequestSigner;
import io.tensorswarm.chain.crypto.Sr25519KeyPair;
import io.tensorswarm.chain.local.LocalChain;
import io.tensorswarm.chain.local.LocalSubnetConfig;
import io.tensorswarm.chain.local.MockTime;
import io.tensorswarm.common.ops.DaemonMetrics;
import io.tensorswarm.common.ops.OpsServer;
import io.tensorswarm.common.ops.http.SlowLoris;
import io.tensorswarm.common.protocol.RoundClock;
import io.tensorswarm.orchestrator.http.HttpSettings;
import io.tensorswarm.orchestrator.http.OrchestratorServer;
import io.tensorswarm.orchestrator.ops.OrchestratorMetrics;
import io.tensorswarm.orchestrator.roster.Roster;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import javax.net.SocketFactory;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * The orchestrator under attack, on loopback, with bounded loops: honest miners send signed
 * heartbeats (many hotkeys, keep-alive connections from 16 addresses, signed just before each phase
 * so the load client's signing does not compete with the server), a validator reads the
 * signed roster twice a second and Prometheus scrapes {@code /metrics} five times a second, while,
 * phase by phase, attackers run a nonce flood (a registered miner's signed heartbeats with the body
 * {@code x}, over 8 connections from 8 addresses), 200 slow-header connections, a dashboard flood,
 * and all three at once. Prints one Markdown table: for each phase, the honest heartbeats per
 * second and their p50/p99, the roster read's and the scrape's p99 and worst case, non-200 answers
 * to honest callers, and what the attackers got through.
 *
 * <p>Arguments: {@code [seconds per phase (6)] [honest callers (16)] [hotkeys (256)]}. Attackers
 * use 127.0.0.50 and up, honest callers 127.0.1.x, so per-address limits do not mix them up.
 */
public final class OrchestratorAttackBench {
    private static final MediaType JSON = MediaType.get("application/json");
    private static final String HEARTBEAT = "{\"role\":\"miner\",\"version\":\"0.1.0\",\"step\":1,\"loss\":3.5,"
            + "\"tokensPerSecond\":5120.5,\"status\":\"bench\"}";
    private static final Sr25519KeyPair ALICE = Sr25519KeyPair.fromUri("//Alice");
    private static final Sr25519KeyPair VALIDATOR = Sr25519KeyPair.fromUri("//Charlie");
    private static final Sr25519KeyPair FLOODER = Sr25519KeyPair.fromUri("//Mallory");
    /** Requests signed ahead per second of a phase, for the honest callers together and for the flood. */
    private static final int PRESIGNED_PER_SECOND = 3000;

    private final int seconds;
    private final int honestConnections;
    private final List<Sr25519KeyPair> miners;
    private final int netuid;
    private final int apiPort;
    private final int opsPort;

    private OrchestratorAttackBench(int seconds, int honestConnections, List<Sr25519KeyPair> miners, int netuid,
            int apiPort, int opsPort) {
        this.seconds = seconds;
        this.honestConnections = honestConnections;
        this.miners = miners;
        this.netuid = netuid;
        this.apiPort = apiPort;
        this.opsPort = opsPort;
    }

    public static void main(String[] args) throws Exception {
        // Only the table goes to stdout: the servers' INFO lines would drown it.
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 6;
        int connections = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        int hotkeys = args.length > 2 ? Integer.parseInt(args[2]) : 256;
        Path dir = Files.createTempDirectory("orchestrator-bench");
        System.err.println("bench: registering " + hotkeys + " miners, the validator and the flooder on a local chain");
        List<Sr25519KeyPair> miners = IntStream.range(0, hotkeys).mapToObj(i -> Sr25519KeyPair.fromUri("//bench/" + i))
                .toList();
        // Virtual chain time: registrations need no real blocks; the server's own clock is the system's.
        MockTime time = new MockTime(System.currentTimeMillis());
        try (LocalChain chain = LocalChain.builder().setDirectory(dir.resolve("chain")).optTime(time).build()) {
            int netuid = chain.createSubnet(LocalSubnetConfig.defaults().withMaxUids(Math.max(256, hotkeys + 2))
                    .withMaxAllowedValidators(1));
            for (Sr25519KeyPair m : miners) {
                chain.burnedRegister(netuid, ALICE, m.ss58Address());
            }
            chain.burnedRegister(netuid, ALICE, FLOODER.ss58Address());
            chain.burnedRegister(netuid, ALICE, VALIDATOR.ss58Address());
            chain.setStake(netuid, VALIDATOR.ss58Address(), 1_000_000_000_000L);
            time.sleep(10 * LocalChain.DEFAULT_BLOCK_TIME.toMillis());
            DaemonMetrics daemon = DaemonMetrics.create(Duration.ofMinutes(30));
            daemon.health().running();
            try (Roster roster = Roster.open(dir.resolve("state/roster.json"), Roster.DEFAULT_CAPACITY, Clock.systemUTC());
                    OrchestratorServer api = OrchestratorServer.builder().setChain(chain).setNetuid(netuid)
                            .setRoundClock(new RoundClock(20, 2)).setRoster(roster)
                            .optMetrics(new OrchestratorMetrics(daemon))
                            .optSettings(HttpSettings.defaults().withAddress("127.0.0.1", 0).withStopGraceSeconds(0))
                            .build().start();
                    OpsServer ops = OpsServer.start("127.0.0.1", 0, daemon)) {
                new OrchestratorAttackBench(seconds, connections, miners, netuid, api.port(), ops.port()).run();
            }
        }
    }

    /** An OkHttp client whose connections come from {@code local}; signed with {@code signer} when given. */
    private static OkHttpClient client(String local, RequestSigner signer, int connections) {
        OkHttpClient.Builder b = new OkHttpClient.Builder()
                .socketFactory(new BoundSocketFactory(local))
                .connectionPool(new ConnectionPool(connections, 1, TimeUnit.MINUTES))
                .retryOnConnectionFailure(false)
                .callTimeout(Duration.ofSeconds(10));
        Dispatcher d = new Dispatcher();
        d.setMaxRequests(connections);
        d.setMaxRequestsPerHost(connections);
        b.dispatcher(d);
        if (signer != null) {
            b.addInterceptor(signer);
        }
        return b.build();
    }

    /** A POST of {@code body} to {@code path}, signed now for {@code host}. */
    private static Request signed(RequestSigner signer, String host, String base, String path, String body) {
        byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Request.Builder b = new Request.Builder().url(base + path).post(RequestBody.create(bytes, JSON)).header("Host", host);
        signer.headers("POST", host, path, bytes).forEach(b::header);
        return b.build();
    }

    private record Phase(String name, boolean nonceFlood, boolean slowLoris, boolean dashboardFlood) {}

    private record Row(Phase phase, double heartbeatsPerSecond, LatencyRecorder heartbeats, LatencyRecorder roster,
            LatencyRecorder metrics, String attack) {}

    private void run() throws Exception {
        List<Phase> phases = List.of(
                new Phase("no attack", false, false, false),
                new Phase("nonce flood", true, false, false),
                new Phase("200 slow connections", false, true, false),
                new Phase("dashboard flood", false, false, true),
                new Phase("all at once", true, true, true));
        System.err.println("bench: warming up for " + seconds + " s");
        measure(new Phase("warm-up", false, false, false));
        List<Row> rows = new ArrayList<>();
        for (Phase p : phases) {
            System.err.println("bench: phase '" + p.name() + "' for " + seconds + " s");
            rows.add(measure(p));
        }
        print(rows);
    }

    private Row measure(Phase phase) throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        LatencyRecorder heartbeats = new LatencyRecorder();
        LatencyRecorder roster = new LatencyRecorder();
        LatencyRecorder scrapes = new LatencyRecorder();
        Map<Integer, AtomicLong> floodStatuses = new ConcurrentHashMap<>();
        Map<Integer, AtomicLong> dashStatuses = new ConcurrentHashMap<>();
        List<Thread> threads = new ArrayList<>();
        List<OkHttpClient> clients = new ArrayList<>();
        String base = "http://127.0.0.1:" + apiPort;

        // Honest miners: each caller sends heartbeats back to back over keep-alive connections, cycling
        // through its hotkeys. Requests are signed before the phase starts (timestamps stay within the
        // 60 s window), so the load client's signing does not eat the server's share of the 2 cores.
        int perCaller = (int) Math.min(200_000, (long) seconds * PRESIGNED_PER_SECOND / honestConnections + 1);
        String host = "127.0.0.1:" + apiPort;
        for (int c = 0; c < honestConnections; c++) {
            OkHttpClient cl = client("127.0.1." + (1 + c % 16), null, 1);
            clients.add(cl);
            List<Request> presigned = new ArrayList<>(perCaller);
            for (int i = 0; i < perCaller; i++) {
                Sr25519KeyPair key = miners.get((c + i * honestConnections) % miners.size());
                presigned.add(signed(new RequestSigner(key, netuid), host, base, "/v1/heartbeat", HEARTBEAT));
            }
            threads.add(loop(running, i -> {
                if (i >= presigned.size()) {
                    Thread.sleep(1); // ran out of signed requests: the table says so through the rate
                    return;
                }
                long t0 = System.nanoTime();
                int status = call(cl, presigned.get((int) i));
                heartbeats.record(System.nanoTime() - t0, status == 200);
            }));
        }
        // The validator reads the roster twice a second; Prometheus scrapes five times a second.
        OkHttpClient validator = client("127.0.1.100", new RequestSigner(VALIDATOR, netuid), 1);
        OkHttpClient prometheus = client("127.0.1.101", null, 1);
        clients.add(validator);
        clients.add(prometheus);
        threads.add(loop(running, i -> {
            long t0 = System.nanoTime();
            int status = call(validator, new Request.Builder().url(base + "/v1/roster").get().build());
            roster.record(System.nanoTime() - t0, status == 200);
            Thread.sleep(500);
        }));
        threads.add(loop(running, i -> {
            long t0 = System.nanoTime();
            int status = call(prometheus, new Request.Builder().url("http://127.0.0.1:" + opsPort + "/metrics").get().build());
            scrapes.record(System.nanoTime() - t0, status == 200);
            Thread.sleep(200);
        }));
        // Attackers.
        if (phase.nonceFlood()) {
            RequestSigner flooder = new RequestSigner(FLOODER, netuid);
            for (int a = 0; a < 8; a++) {
                OkHttpClient flood = client("127.0.0." + (50 + a), null, 1);
                clients.add(flood);
                List<Request> presigned = new ArrayList<>();
                for (int i = 0; i < 500; i++) { // refused at the body, so never remembered: cycling them costs full price
                    presigned.add(signed(flooder, host, base, "/v1/heartbeat", "x"));
                }
                threads.add(loop(running, i -> {
                    int status = call(flood, presigned.get((int) (i % presigned.size())));
                    floodStatuses.computeIfAbsent(status, s -> new AtomicLong()).incrementAndGet();
                }));
            }
        }
        if (phase.dashboardFlood()) {
            for (int a = 0; a < 8; a++) {
                OkHttpClient dash = client("127.0.0." + (70 + a), null, 1);
                clients.add(dash);
                threads.add(loop(running, i -> {
                    int status = call(dash, new Request.Builder().url(base + "/v1/dashboard").get().build());
                    dashStatuses.computeIfAbsent(status, s -> new AtomicLong()).incrementAndGet();
                }));
            }
        }
        SlowLoris loris = phase.slowLoris() ? new SlowLoris(apiPort,
                IntStream.range(0, 8).mapToObj(a -> "127.0.0." + (60 + a)).toList(), 25, "/v1/round", 1000) : null;
        long start = System.nanoTime();
        threads.forEach(Thread::start);
        Thread.sleep(seconds * 1000L);
        running.set(false);
        double elapsed = (System.nanoTime() - start) / 1e9;
        for (Thread t : threads) {
            t.join(15_000);
        }
        String attack = attackSummary(phase, floodStatuses, dashStatuses, loris, elapsed);
        if (loris != null) {
            loris.close();
        }
        clients.forEach(c -> {
            c.dispatcher().executorService().shutdown();
            c.connectionPool().evictAll();
        });
        return new Row(phase, heartbeats.count() / elapsed, heartbeats, roster, scrapes, attack);
    }

    private static String attackSummary(Phase phase, Map<Integer, AtomicLong> flood, Map<Integer, AtomicLong> dash,
            SlowLoris loris, double elapsed) {
        List<String> parts = new ArrayList<>();
        if (phase.nonceFlood()) {
            parts.add("flood " + rate(flood, elapsed) + " req/s " + statuses(flood));
        }
        if (phase.slowLoris()) {
            parts.add("slow: " + loris.size() + " opened, " + loris.closedByServer() + " cut");
        }
        if (phase.dashboardFlood()) {
            parts.add("dashboard " + rate(dash, elapsed) + " req/s " + statuses(dash));
        }
        return parts.isEmpty() ? "–" : String.join("; ", parts);
    }

    private static String rate(Map<Integer, AtomicLong> statuses, double elapsed) {
        long total = statuses.values().stream().mapToLong(AtomicLong::get).sum();
        return String.format(Locale.ROOT, "%.0f", total / elapsed);
    }

    private static String statuses(Map<Integer, AtomicLong> statuses) {
        StringBuilder sb = new StringBuilder("(");
        statuses.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> sb.append(sb.length() > 1 ? ", " : "")
                .append(e.getKey() == 0 ? "no answer" : e.getKey()).append(": ").append(e.getValue().get()));
        return sb.append(")").toString();
    }

    private static int call(OkHttpClient client, Request request) {
        try (Response r = client.newCall(request).execute()) {
            r.body().bytes();
            return r.code();
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** One bounded loop of an honest caller or an attacker: runs {@code step} until the phase ends. */
    private static Thread loop(AtomicBoolean running, Step step) {
        Thread t = new Thread(() -> {
            long i = 0;
            while (running.get()) {
                try {
                    step.run(i++);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        return t;
    }

    @FunctionalInterface
    private interface Step {
        void run(long i) throws InterruptedException;
    }

    private void print(List<Row> rows) throws IOException {
        StringBuilder out = new StringBuilder();
        out.append("Orchestrator under attack: ").append(seconds).append(" s per phase, ").append(honestConnections)
                .append(" honest callers (closed loop, keep-alive) over ").append(miners.size()).append(" hotkeys, ")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores, load ")
                .append(Files.readString(Path.of("/proc/loadavg")).strip()).append("\n\n");
        out.append("| phase | honest heartbeats/s | p50 ms | p99 ms | non-200 | roster p99 / max ms | "
                + "/metrics p99 / max ms | non-200 roster, metrics | attackers |\n");
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (Row r : rows) {
            out.append(String.format(Locale.ROOT, "| %s | %.0f | %.1f | %.1f | %d | %.0f / %.0f | %.0f / %.0f | %d, %d | %s |%n",
                    r.phase().name(), r.heartbeatsPerSecond(), r.heartbeats().quantileMillis(0.5),
                    r.heartbeats().quantileMillis(0.99), r.heartbeats().failures(), r.roster().quantileMillis(0.99),
                    r.roster().maxMillis(), r.metrics().quantileMillis(0.99), r.metrics().maxMillis(),
                    r.roster().failures(), r.metrics().failures(), r.attack()));
        }
        System.out.print(out);
    }

    /** Opens sockets bound to one local address, so each client has the source address it is given. */
    private static final class BoundSocketFactory extends SocketFactory {
        private final InetAddress local;

        BoundSocketFactory(String local) {
            try {
                this.local = InetAddress.getByName(local);
            } catch (IOException e) {
                throw new IllegalArgumentException(local, e);
            }
        }

        @Override
        public Socket createSocket() throws IOException {
            Socket s = new Socket();
            s.bind(new InetSocketAddress(local, 0));
            s.setTcpNoDelay(true);
            return s;
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            Socket s = createSocket();
            s.connect(new InetSocketAddress(host, port));
            return s;
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return createSocket(host, port);
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            Socket s = createSocket();
            s.connect(new InetSocketAddress(host, port));
            return s;
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                throws IOException {
            return createSocket(address, port);
        }
    }
}
