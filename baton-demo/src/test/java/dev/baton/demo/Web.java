package dev.baton.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The tests' own client: the JDK's, so that the demo is checked from the outside, over HTTP. */
final class Web {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** A response and how long it took, from sending the request to the whole body. */
    record Timed(HttpResponse<String> response, Duration elapsed) {
        int status() {
            return response.statusCode();
        }

        String body() {
            return response.body();
        }

        String contentType() {
            return response.headers().firstValue("Content-Type").orElse("");
        }

        JsonNode json() {
            try {
                return JSON.readTree(response.body());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private Web() {
    }

    static Timed get(URI base, String path, String... headers) {
        return send(request(base, path, headers).GET().build());
    }

    static Timed post(URI base, String path, String contentType, String body) {
        return send(request(base, path, "Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    static Timed delete(URI base, String path) {
        return send(request(base, path).DELETE().build());
    }

    static JsonNode json(URI base, String path) {
        return get(base, path).json();
    }

    private static HttpRequest.Builder request(URI base, String path, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(20));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return b;
    }

    private static Timed send(HttpRequest request) {
        long start = System.nanoTime();
        try {
            HttpResponse<String> res = client.send(request, HttpResponse.BodyHandlers.ofString());
            return new Timed(res, Duration.ofNanos(System.nanoTime() - start));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
