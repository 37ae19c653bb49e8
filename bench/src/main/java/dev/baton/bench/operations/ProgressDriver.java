package dev.baton.bench.operations;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The progress-latency driver of {@code ./baton bench operations}: starts N {@code ticker}
 * operations on an {@link OperationsBenchServer}, follows each on its own event stream
 * ({@code GET /operations/{id}/events}, one Netty channel per stream, one I/O thread), and
 * measures, for every {@code progress} event, receipt time minus the {@code System.nanoTime()}
 * the handler put in its message. Both JVMs read CLOCK_MONOTONIC (Linux); the driver checks
 * that against the server's {@code GET /clock} first and prints the bounds it found.
 *
 * <pre>{@code java -cp baton-bench.jar dev.baton.bench.operations.ProgressDriver --url http://127.0.0.1:8080 --streams 1000 --warmup-s 5 --duration-s 20}</pre>
 *
 * Prints one line: {@code PROGRESS streams=.. events=.. p50_ms=.. p99_ms=.. max_ms=.. ...}.
 */
public final class ProgressDriver {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    /** Where the operations are created and the clock is read: {@link #base} unless {@code --create-url}. */
    private URI createBase;
    private final int streams;
    private final int periodMs;
    private final int warmupS;
    private final int durationS;
    /** Latencies in ns of the events received in the window; written by the one I/O thread only. */
    private final long[] samples;
    private int count;
    /**
     * The window, by the time each update was sent (its nanoTime): an update sent in it counts
     * however late it arrives (the driver waits a grace after the window), one sent before it
     * never does.
     */
    private volatile long windowStart = Long.MAX_VALUE;
    private volatile long windowEnd = Long.MAX_VALUE;
    private static final long GRACE_MS = 2000;
    private final AtomicLong eventsSeen = new AtomicLong();
    private final AtomicLong progressInWindow = new AtomicLong();
    private final AtomicLong parseErrors = new AtomicLong();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger ended = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private long offsetNanos;
    /** With --trace FILE: per 100 ms of the window, the longest latency and how many passed 10 ms. */
    private String trace;
    private final long[] bucketMax = new long[36_000];
    private final int[] bucketSlow = new int[36_000];
    private double serverCpuS = -1;
    private double retainedPerEvent = -1;
    private final long serverPid;
    private final int clkTck;

    private ProgressDriver(URI base, int streams, int periodMs, int warmupS, int durationS, long serverPid, int clkTck) {
        this.base = base;
        this.serverPid = serverPid;
        this.clkTck = clkTck;
        this.streams = streams;
        this.periodMs = periodMs;
        this.warmupS = warmupS;
        this.durationS = durationS;
        long expected = (long) streams * durationS * 1000 / periodMs;
        this.samples = new long[(int) Math.min(50_000_000, expected * 2 + 1000)];
    }

    public static void main(String[] args) throws Exception {
        String url = "http://127.0.0.1:8080";
        int streams = 1000;
        int periodMs = 100;
        int warmupS = 5;
        int durationS = 20;
        long serverPid = 0;
        int clkTck = 100;
        String trace = null;
        String createUrl = null;
        for (int i = 0; i + 1 < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--url" -> url = v;
                case "--streams" -> streams = Integer.parseInt(v);
                case "--period-ms" -> periodMs = Integer.parseInt(v);
                case "--warmup-s" -> warmupS = Integer.parseInt(v);
                case "--duration-s" -> durationS = Integer.parseInt(v);
                case "--server-pid" -> serverPid = Long.parseLong(v);
                case "--clk-tck" -> clkTck = Integer.parseInt(v);
                case "--trace" -> trace = v;
                case "--create-url" -> createUrl = v;
                default -> {
                    System.err.println("usage: ProgressDriver [--url U] [--streams N] [--period-ms MS] [--warmup-s S] [--duration-s S] "
                            + "[--server-pid PID --clk-tck HZ] [--trace FILE] [--create-url U]");
                    System.exit(2);
                }
            }
        }
        // bounded whatever happens: connecting, warm-up, the window, then two minutes of slack
        long limitS = warmupS + durationS + 120L;
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(TimeUnit.SECONDS.toMillis(limitS));
                System.err.println("progress driver: still running after " + limitS + " s; giving up");
                System.exit(3);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        ProgressDriver d = new ProgressDriver(URI.create(url), streams, periodMs, warmupS, durationS, serverPid, clkTck);
        d.trace = trace;
        // another node of a cluster: the operations are created (and stamped) there, streamed from --url
        d.createBase = createUrl == null ? d.base : URI.create(createUrl);
        d.run();
        System.exit(0);
    }

    private void run() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        checkClocks();
        // every operation ticks through connecting, the warm-up and the window, with slack
        int ticks = (int) ((warmupS + durationS + 20L) * 1000 / periodMs);
        long t0 = System.nanoTime();
        List<String> ids = create(http, ticks);
        log("created %d ticker operations (%d ticks of %d ms) in %.1f s", ids.size(), ticks, periodMs,
                (System.nanoTime() - t0) / 1e9);

        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpClientCodec(), new SseHandler());
                        }
                    });
            String host = base.getHost();
            int port = base.getPort();
            t0 = System.nanoTime();
            Semaphore connecting = new Semaphore(64);
            List<Channel> channels = new ArrayList<>();
            for (String id : ids) {
                connecting.acquire();
                ChannelFuture f = b.connect(host, port);
                f.addListener(done -> {
                    connecting.release();
                    if (!done.isSuccess()) {
                        refused.incrementAndGet();
                        return;
                    }
                    Channel ch = f.channel();
                    DefaultFullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET,
                            pathOf("/operations/" + id + "/events"));
                    req.headers().set(HttpHeaderNames.HOST, host + ":" + port)
                            .set(HttpHeaderNames.ACCEPT, "text/event-stream");
                    ch.writeAndFlush(req);
                });
                channels.add(f.channel());
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (open.get() + refused.get() < ids.size() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            log("%d event streams open (%d refused) in %.1f s; warming up %d s", open.get(), refused.get(),
                    (System.nanoTime() - t0) / 1e9, warmupS);
            // the driver's own garbage from creating and connecting goes now, not in the window
            // (with a young generation that the window does not fill: see bench.sh)
            System.gc();
            long heap0 = serverHeapAfterGc(http);
            long events0 = eventsSeen.get();
            Thread.sleep(TimeUnit.SECONDS.toMillis(warmupS));
            long before = eventsSeen.get();
            long cpu0 = cpuTicks();
            long start = System.nanoTime();
            windowStart = start;
            Thread.sleep(TimeUnit.SECONDS.toMillis(durationS));
            long end = System.nanoTime();
            windowEnd = end;
            double secs = (end - start) / 1e9;
            serverCpuS = (cpuTicks() - cpu0) / (double) clkTck;
            long events = eventsSeen.get() - before;
            // the updates sent in the window that are still on their way; then the I/O thread
            // finishes the event in hand before the array is read
            Thread.sleep(GRACE_MS);
            group.submit(() -> { }).get(5, TimeUnit.SECONDS);
            // what the server keeps per event it wrote: its heap after full collections, before the warm-up and now
            long heap1 = serverHeapAfterGc(http);
            long written = eventsSeen.get() - events0;
            retainedPerEvent = heap0 > 0 && heap1 > 0 && written > 0 ? (double) (heap1 - heap0) / written : -1;
            report(secs, events);
            if (trace != null) {
                writeTrace(secs);
            }
            for (Channel ch : channels) {
                ch.close();
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    /** The server's used heap after full collections (its GET /bench-stats?gc=true), or -1. */
    private long serverHeapAfterGc(HttpClient http) {
        try {
            HttpRequest req = HttpRequest.newBuilder(base.resolve(pathOf("/bench-stats?gc=true")))
                    .timeout(Duration.ofSeconds(30)).build();
            return JSON.readTree(http.send(req, BodyHandlers.ofString()).body()).get("heapUsedBytes").asLong(-1);
        } catch (IOException | RuntimeException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** utime + stime of the server process, in clock ticks; 0 when unknown. */
    private long cpuTicks() {
        if (serverPid <= 0) {
            return 0;
        }
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + serverPid + "/stat"));
            // the fields after the command (which may hold spaces), from field 3 on
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private String pathOf(String path) {
        String p = base.getPath();
        return (p == null || p.equals("/") ? "" : p) + path;
    }

    /**
     * Asks the server for its nanoTime between two of ours, 200 times on one kept-alive socket:
     * the server's clock minus ours lies in [server - after, server - before] each time; the
     * intersection of those bounds it (to within the shortest round trip).
     */
    private void checkClocks() throws IOException {
        long lo = Long.MIN_VALUE;
        long hi = Long.MAX_VALUE;
        byte[] req = ("GET " + pathOf("/clock") + " HTTP/1.1\r\nHost: " + createBase.getHost() + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        try (Socket socket = new Socket(createBase.getHost(), createBase.getPort())) {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(5000);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            for (int i = 0; i < 200; i++) {
                long a = System.nanoTime();
                out.write(req);
                out.flush();
                long s = Long.parseLong(readBody(in).strip());
                long b = System.nanoTime();
                lo = Math.max(lo, s - b);
                hi = Math.min(hi, s - a);
            }
        }
        boolean same = lo <= 0 && 0 <= hi;
        // same clock: no correction; otherwise the middle of the bounds (and the line says so)
        offsetNanos = same ? 0 : lo + (hi - lo) / 2;
        System.out.printf(Locale.ROOT, "CLOCK offset_lo_us=%.1f offset_hi_us=%.1f same_clock=%d correction_us=%.1f%n",
                lo / 1e3, hi / 1e3, same ? 1 : 0, offsetNanos / 1e3);
    }

    /** The body of one HTTP/1.1 response with a Content-Length. */
    private static String readBody(InputStream in) throws IOException {
        int length = -1;
        StringBuilder line = new StringBuilder();
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("the server closed the connection");
            }
            if (c == '\n') {
                String l = line.toString().strip();
                line.setLength(0);
                if (l.isEmpty()) {
                    break;
                }
                if (l.regionMatches(true, 0, "content-length:", 0, 15)) {
                    length = Integer.parseInt(l.substring(15).strip());
                }
            } else {
                line.append((char) c);
            }
        }
        if (length < 0) {
            throw new IOException("no Content-Length in the /clock response");
        }
        byte[] body = in.readNBytes(length);
        return new String(body, StandardCharsets.US_ASCII);
    }

    private List<String> create(HttpClient http, int ticks) throws Exception {
        String body = "{\"ticks\":" + ticks + ",\"periodMs\":" + periodMs + "}";
        HttpRequest req = HttpRequest.newBuilder(createBase.resolve(pathOf("/operations/ticker")))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        Semaphore inFlight = new Semaphore(32);
        String[] ids = new String[streams];
        List<CompletableFuture<?>> all = new ArrayList<>();
        for (int i = 0; i < streams; i++) {
            int n = i;
            inFlight.acquire();
            all.add(http.sendAsync(req, BodyHandlers.ofString()).whenComplete((res, e) -> {
                inFlight.release();
                if (e == null && res.statusCode() == 202) {
                    try {
                        ids[n] = JSON.readTree(res.body()).get("id").asText();
                    } catch (Exception ex) {
                        // counted below
                    }
                }
            }));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).handle((v, e) -> null).get(60, TimeUnit.SECONDS);
        List<String> out = Arrays.stream(ids).filter(java.util.Objects::nonNull).toList();
        if (out.size() < streams) {
            log("only %d of %d creates answered 202", out.size(), streams);
        }
        return out;
    }

    private void report(double secs, long events) {
        long[] s = Arrays.copyOf(samples, count);
        Arrays.sort(s);
        long expected = Math.round(open.get() * secs * 1000 / periodMs);
        System.out.printf(Locale.ROOT,
                "PROGRESS streams=%d refused=%d ended_early=%d window_s=%.1f events=%d progress_events=%d expected=%d "
                        + "recorded=%d p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f p999_ms=%.2f max_ms=%.2f min_ms=%.3f "
                        + "parse_errors=%d server_cpu_s=%.2f server_cpu_pct=%.0f retained_bytes_per_event=%.0f%n",
                open.get(), refused.get(), ended.get(), secs, events, progressInWindow.get(), expected, s.length,
                q(s, 0.50), q(s, 0.90), q(s, 0.99), q(s, 0.999), s.length == 0 ? 0 : s[s.length - 1] / 1e6,
                s.length == 0 ? 0 : s[0] / 1e6, parseErrors.get(), serverCpuS, serverPid > 0 ? 100 * serverCpuS / secs : -1,
                retainedPerEvent);
    }

    private void writeTrace(double secs) throws IOException {
        StringBuilder sb = new StringBuilder("# window_ms max_ms over_10ms\n");
        int n = (int) Math.min(bucketMax.length, Math.ceil(secs * 10));
        for (int i = 0; i < n; i++) {
            sb.append(i * 100).append(' ').append(String.format(Locale.ROOT, "%.2f", bucketMax[i] / 1e6)).append(' ')
                    .append(bucketSlow[i]).append('\n');
        }
        java.nio.file.Files.writeString(java.nio.file.Path.of(trace), sb);
    }

    private static double q(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
        return sorted[i] / 1e6;
    }

    private static void log(String format, Object... args) {
        System.err.printf(Locale.ROOT, "progress driver: " + format + "%n", args);
    }

    /**
     * One event stream: splits the body into lines, lines into events, times the progress ones.
     * Works on bytes in buffers of its own, so that the driver allocates little per event (its
     * own collections would show as latency).
     */
    private final class SseHandler extends SimpleChannelInboundHandler<HttpObject> {
        private static final byte[] DATA = "data:".getBytes(StandardCharsets.US_ASCII);
        private static final byte[] EVENT = "event:".getBytes(StandardCharsets.US_ASCII);
        private static final byte[] PROGRESS = "progress".getBytes(StandardCharsets.US_ASCII);
        private byte[] line = new byte[1024];
        private int lineLength;
        private byte[] data = new byte[1024];
        private int dataLength = -1;
        private boolean progressEvent;
        private boolean counted;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            long now = System.nanoTime();
            if (msg instanceof HttpResponse res) {
                if (res.status().code() != 200) {
                    refused.incrementAndGet();
                    ctx.close();
                    return;
                }
                counted = true;
                open.incrementAndGet();
            }
            if (msg instanceof HttpContent content) {
                ByteBuf buf = content.content();
                for (int i = buf.readerIndex(), end = buf.writerIndex(); i < end; i++) {
                    byte c = buf.getByte(i);
                    if (c == '\n') {
                        line(now);
                        lineLength = 0;
                    } else if (c != '\r') {
                        if (lineLength == line.length) {
                            line = Arrays.copyOf(line, line.length * 2);
                        }
                        line[lineLength++] = c;
                    }
                }
                if (msg instanceof LastHttpContent) {
                    ctx.close();
                }
            }
        }

        private void line(long now) {
            if (lineLength == 0) { // the end of an event
                if (dataLength >= 0) {
                    dispatch(now);
                }
                progressEvent = false;
                dataLength = -1;
            } else if (line[0] == ':') {
                return; // a comment (heartbeat)
            } else if (startsWith(DATA)) {
                int from = value(DATA.length);
                if (dataLength >= 0) {
                    append((byte) '\n');
                }
                for (int i = from; i < lineLength; i++) {
                    append(line[i]);
                }
                dataLength = Math.max(dataLength, 0);
            } else if (startsWith(EVENT)) {
                int from = value(EVENT.length);
                progressEvent = lineLength - from == PROGRESS.length
                        && Arrays.equals(line, from, lineLength, PROGRESS, 0, PROGRESS.length);
            }
        }

        private void append(byte b) {
            if (dataLength < 0) {
                dataLength = 0;
            }
            if (dataLength == data.length) {
                data = Arrays.copyOf(data, data.length * 2);
            }
            data[dataLength++] = b;
        }

        private boolean startsWith(byte[] field) {
            return lineLength >= field.length && Arrays.equals(line, 0, field.length, field, 0, field.length);
        }

        private int value(int from) {
            return from < lineLength && line[from] == ' ' ? from + 1 : from;
        }

        private void dispatch(long now) {
            eventsSeen.incrementAndGet();
            if (!progressEvent || now < windowStart) {
                return;
            }
            try {
                long sent = message(data, dataLength) - offsetNanos;
                if (sent < windowStart || sent >= windowEnd) {
                    return;
                }
                progressInWindow.incrementAndGet();
                long latency = now - sent;
                if (count < samples.length) {
                    samples[count++] = latency;
                }
                // by when it was sent: a stall shows as one run of slow buckets
                int bucket = (int) ((sent - windowStart) / 100_000_000L);
                if (bucket >= 0 && bucket < bucketMax.length) {
                    bucketMax[bucket] = Math.max(bucketMax[bucket], latency);
                    if (latency > 10_000_000L) {
                        bucketSlow[bucket]++;
                    }
                }
            } catch (Exception e) {
                parseErrors.incrementAndGet();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            long now = System.nanoTime();
            if (counted && now >= windowStart && now < windowEnd) {
                ended.incrementAndGet();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** The top-level {@code message} of a JSON object, as a number (Jackson's streaming parser: no tree). */
    static long message(byte[] json, int length) throws IOException {
        try (JsonParser p = JSON.getFactory().createParser(json, 0, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("the data is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (name.equals("message") && value == JsonToken.VALUE_STRING) {
                    return Long.parseLong(p.getText());
                }
                p.skipChildren();
            }
        }
        throw new IOException("no message in the event");
    }
}
