package io.tensorswarm.common.ops.http;

import io.prometheus.metrics.exporter.common.PrometheusHttpExchange;
import io.prometheus.metrics.exporter.common.PrometheusHttpRequest;
import io.prometheus.metrics.exporter.common.PrometheusHttpResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.server.Request;

/**
 * One Prometheus scrape as the Prometheus client's {@code PrometheusScrapeHandler} sees it, over a
 * Jetty request: the format is negotiated from the request's headers and query ({@code Accept},
 * {@code name[]}, gzip), and the exposition is collected in memory for {@link HttpReply} to send
 * without blocking a thread.
 */
public final class ScrapeExchange implements PrometheusHttpExchange {
    private final Request request;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private final ByteArrayOutputStream body = new ByteArrayOutputStream(16 * 1024);
    private int status = 200;

    public ScrapeExchange(Request request) {
        this.request = request;
    }

    /** Returns the status the scrape handler chose. */
    public int status() {
        return status;
    }

    /** Returns the headers the scrape handler set (content type and encoding). */
    public Map<String, String> headers() {
        return headers;
    }

    /** Returns the exposition. */
    public byte[] body() {
        return body.toByteArray();
    }

    @Override
    public PrometheusHttpRequest getRequest() {
        return new PrometheusHttpRequest() {
            @Override
            public String getQueryString() {
                return request.getHttpURI().getQuery();
            }

            @Override
            public Enumeration<String> getHeaders(String name) {
                return Collections.enumeration(request.getHeaders().getValuesList(name));
            }

            @Override
            public String getMethod() {
                return request.getMethod();
            }

            @Override
            public String getRequestPath() {
                return request.getHttpURI().getPath();
            }
        };
    }

    @Override
    public PrometheusHttpResponse getResponse() {
        return new PrometheusHttpResponse() {
            @Override
            public void setHeader(String name, String value) {
                headers.put(name, value);
            }

            @Override
            public OutputStream sendHeadersAndGetBody(int statusCode, int contentLength) {
                status = statusCode;
                return body;
            }
        };
    }

    @Override
    public void handleException(IOException e) throws IOException {
        throw e;
    }

    @Override
    public void handleException(RuntimeException e) {
        throw e;
    }

    @Override
    public void close() {
        // nothing held: the body is sent by the caller
    }
}
