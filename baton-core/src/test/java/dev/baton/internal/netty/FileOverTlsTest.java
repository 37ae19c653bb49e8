package dev.baton.internal.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.ServerConfig;
import dev.baton.http.FileBody;
import dev.baton.http.Response;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file body over TLS: no zero-copy there, so the connection reads it in chunks as it can take
 * them. The server has no TLS setting yet, so this test assembles the production pipeline behind
 * Netty's SslHandler itself, on a real socket, with a certificate made by the JDK's keytool.
 */
class FileOverTlsTest {
    private static final ServerConfig CONFIG = ServerPartsFixture.CONFIG;
    private static final char[] PASSWORD = "changeit".toCharArray();

    @TempDir
    Path dir;

    private final ServerPartsFixture fixture = new ServerPartsFixture();
    private final MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

    @AfterEach
    void stop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        fixture.close();
    }

    /** Answers every request with {@code file}: the whole of it, or the 10 bytes from 1000 for /part. */
    private final class FileDispatcher implements RequestDispatcher {
        private final Path file;

        FileDispatcher(Path file) {
            this.file = file;
        }

        @Override
        public Dispatch dispatch(FullHttpRequest req, long arrivalNanos, InetSocketAddress remote, dev.baton.tls.TlsSession tls,
                                 ResponseSink sink) {
            try {
                RequestTarget target = RequestTarget.parse(req.method().name(), req.uri());
                long size = Files.size(file);
                FileBody body = target.path().equals("/part") ? new FileBody(file, 1000, 10) : new FileBody(file, 0, size);
                return fixture.admit(req, target, ctx -> Response.ok().file(body, "application/octet-stream"), arrivalNanos, remote, tls, sink);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            } finally {
                req.release();
            }
        }

        @Override
        public ServerParts server() {
            return fixture.parts;
        }
    }

    private KeyStore keyStore() throws Exception {
        Path store = dir.resolve("server.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "san=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", "changeit").redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes());
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).as(output).isZero();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, PASSWORD);
        }
        return ks;
    }

    @Test
    void aFileBodyIsSentWholeInChunksThroughTlsAndAPartOfItToo() throws Exception {
        byte[] content = new byte[3 * 1024 * 1024 + 5];
        new Random(3).nextBytes(content);
        Path file = Files.write(dir.resolve("big.bin"), content);
        KeyStore ks = keyStore();
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD);
        SslContext tls = SslContextBuilder.forServer(kmf).sslProvider(SslProvider.JDK).build();
        List<Channel> accepted = new CopyOnWriteArrayList<>();
        FileDispatcher dispatcher = new FileDispatcher(file);
        Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        accepted.add(ch);
                        ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                        ServerInitializer.addRequestDecoding(ch.pipeline(), CONFIG);
                        ch.pipeline().addLast(new ConnectionHandler(dispatcher));
                    }
                }).bind("127.0.0.1", 0).sync().channel();
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext trusting = SSLContext.getInstance("TLS");
        trusting.init(null, tmf.getTrustManagers(), null);
        try (HttpClient client = HttpClient.newBuilder().sslContext(trusting).version(HttpClient.Version.HTTP_1_1).build()) {
            for (int i = 0; i < 2; i++) { // the second on the same connection: the chunked writer hands the connection back
                HttpResponse<byte[]> whole = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/whole"))
                        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
                assertThat(whole.statusCode()).isEqualTo(200);
                assertThat(whole.body()).isEqualTo(content);
            }
            HttpResponse<byte[]> part = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/part"))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(part.body()).isEqualTo(Arrays.copyOfRange(content, 1000, 1010));
            // (looked at while the connection is open: a closed channel's pipeline is emptied)
            assertThat(accepted).hasSize(1);
            assertThat(accepted.get(0).pipeline().get("baton-chunked-file")).as("the chunked path ran").isNotNull();
        }
        server.close().sync();
    }
}
