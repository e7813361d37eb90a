package io.tensorswarm.orchestrator.http;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The {@code Host} values a signed request to this server may name: the operator's public names
 * when given, else what a client on the network can dial: the bound address with the bound port,
 * the loopback names when the address is loopback or a wildcard, and every local interface address
 * when it is a wildcard.
 */
final class HostNames {
    private HostNames() {}

    /** Returns the accepted {@code Host} values, lower case. */
    static List<String> accepted(List<String> publicHosts, String bindHost, int port) {
        Set<String> out = new LinkedHashSet<>();
        if (!publicHosts.isEmpty()) {
            publicHosts.forEach(h -> out.add(h.strip().toLowerCase(Locale.ROOT)));
            return List.copyOf(out);
        }
        InetAddress bound;
        try {
            bound = InetAddress.getByName(bindHost);
        } catch (UnknownHostException e) {
            out.add(authority(bindHost, port));
            return List.copyOf(out);
        }
        out.add(authority(bindHost, port));
        out.add(authority(bound.getHostAddress(), port));
        if (bound.isLoopbackAddress() || bound.isAnyLocalAddress()) {
            out.add(authority("localhost", port));
            out.add(authority("127.0.0.1", port));
            out.add(authority("::1", port));
        }
        if (bound.isAnyLocalAddress()) {
            try {
                for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                    for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                        String text = a.getHostAddress();
                        int scope = text.indexOf('%');
                        out.add(authority(scope < 0 ? text : text.substring(0, scope), port));
                    }
                }
            } catch (SocketException e) {
                // no interface list: the names above still work
            }
        }
        return List.copyOf(out);
    }

    private static String authority(String host, int port) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.indexOf(':') >= 0 && !h.startsWith("[")) {
            h = "[" + h + "]";
        }
        return h + ":" + port;
    }
}
