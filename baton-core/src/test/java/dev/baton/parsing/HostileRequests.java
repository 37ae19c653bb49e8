package dev.baton.parsing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.stream.Stream;

/**
 * A corpus of malformed and hostile HTTP/1.1 requests, each with the status it must get from a
 * server whose body limit is {@link #MAX_BODY} and whose other limits are the defaults. Replayed
 * over sockets by {@link HostileRequestCorpusTest} and split at every byte by the scanner's
 * codec-level test.
 */
public final class HostileRequests {
    public static final int MAX_BODY = 1024;
    static final String HOST = "Host: x\r\n";
    static final String CHUNKED_POST = "POST / HTTP/1.1\r\n" + HOST + "Transfer-Encoding: chunked\r\n\r\n";
    static final String SMUGGLED = "GET /smuggled HTTP/1.1\r\n" + HOST + "\r\n";

    private HostileRequests() {
    }

    /**
     * One hostile request.
     *
     * @param refusedByScanner false for the few that are well framed and refused later, by the dispatcher
     */
    public record Hostile(String name, int status, byte[] bytes, boolean refusedByScanner) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** Every case. */
    public static Stream<Hostile> all() {
        return Stream.of(framing(), smuggling(), fields(), chunks(), limits(), requestLines(), garbage())
                .flatMap(s -> s);
    }

    static Hostile hostile(String name, int status, String request) {
        return new Hostile(name, status, request.getBytes(StandardCharsets.ISO_8859_1), true);
    }

    static Hostile withHeader(String name, int status, String header) {
        return hostile(name, status, "GET / HTTP/1.1\r\n" + HOST + header + "\r\n\r\n");
    }

    static Hostile withContentLength(String name, String value) {
        return hostile(name, 400, "POST / HTTP/1.1\r\n" + HOST + "Content-Length:" + value + "\r\n\r\nhello");
    }

    static Hostile withRequestLine(String name, int status, String requestLine) {
        return hostile(name, status, requestLine + "\r\n" + HOST + "\r\n");
    }

    static Hostile withChunks(String name, int status, String chunks) {
        return hostile(name, status, CHUNKED_POST + chunks);
    }

    static Stream<Hostile> framing() {
        return Stream.of(
                hostile("Content-Length and Transfer-Encoding", 400,
                        "POST / HTTP/1.1\r\n" + HOST + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
                hostile("Transfer-Encoding and Content-Length", 400,
                        "POST / HTTP/1.1\r\n" + HOST + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n"),
                hostile("two differing Content-Length fields", 400,
                        "POST / HTTP/1.1\r\n" + HOST + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!"),
                hostile("two Content-Length fields that differ only by a leading zero", 400,
                        "POST / HTTP/1.1\r\n" + HOST + "Content-Length: 5\r\nContent-Length: 05\r\n\r\nhello"),
                withContentLength("Content-Length with a plus sign", " +10"),
                withContentLength("negative Content-Length", " -1"),
                withContentLength("Content-Length list of differing values", " 1,0"),
                withContentLength("Content-Length list of equal values", " 10, 10"),
                withContentLength("blank Content-Length", " "),
                withContentLength("empty Content-Length", ""),
                withContentLength("hexadecimal Content-Length", " 0x10"),
                withContentLength("Content-Length in exponent notation", " 1e3"),
                withContentLength("Content-Length with inner space", " 1 0"),
                withContentLength("Content-Length with a non-ASCII digit", " \u00b9"),
                hostile("chunked not the last transfer coding", 400,
                        "POST / HTTP/1.1\r\n" + HOST + "Transfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n"),
                hostile("a transfer coding other than chunked alone", 400,
                        "POST / HTTP/1.1\r\n" + HOST + "Transfer-Encoding: gzip\r\n\r\nhello"),
                hostile("chunked twice in one field", 400,
                        "POST / HTTP/1.1\r\n" + HOST + "Transfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n"),
                hostile("chunked in two fields", 400,
                        "POST / HTTP/1.1\r\n" + HOST + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
                hostile("Transfer-Encoding on HTTP/1.0", 400,
                        "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
                hostile("two unknown transfer codings, chunked not last", 400,
                        "POST / HTTP/1.1\r\n" + HOST + "Transfer-Encoding: gzip, deflate\r\n\r\nhello"),
                hostile("chunked split by a comma", 400,
                        "POST / HTTP/1.1\r\n" + HOST + "Transfer-Encoding: ch, unked\r\n\r\nhello"),
                hostile("an unknown transfer coding before chunked", 501,
                        "POST / HTTP/1.1\r\n" + HOST + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n"),
                hostile("a transfer coding that only looks like chunked", 400,
                        "POST / HTTP/1.1\r\n" + HOST + "Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n"),
                hostile("an unknown expectation", 417,
                        "POST / HTTP/1.1\r\n" + HOST + "Expect: 200-ok\r\nContent-Length: 5\r\n\r\n"));
    }

    static Stream<Hostile> smuggling() {
        return Stream.of(
                hostile("CL.TE smuggling", 400, "POST / HTTP/1.1\r\n" + HOST
                        + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + SMUGGLED),
                hostile("TE.CL smuggling", 400, "POST / HTTP/1.1\r\n" + HOST
                        + "Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n"
                        + Integer.toHexString(SMUGGLED.length()) + "\r\n" + SMUGGLED + "\r\n0\r\n\r\n"),
                hostile("TE.TE smuggling with a second, bogus coding", 400, "POST / HTTP/1.1\r\n" + HOST
                        + "Transfer-Encoding: chunked\r\nTransfer-encoding: cow\r\n\r\n0\r\n\r\n" + SMUGGLED),
                hostile("smuggling through space before the Transfer-Encoding colon", 400, "POST / HTTP/1.1\r\n" + HOST
                        + "Content-Length: 4\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n" + SMUGGLED),
                hostile("smuggling through a vertical tab in Transfer-Encoding", 400, "POST / HTTP/1.1\r\n" + HOST
                        + "Content-Length: 4\r\nTransfer-Encoding:\u000bchunked\r\n\r\n0\r\n\r\n" + SMUGGLED),
                hostile("smuggling through a folded Transfer-Encoding", 400, "POST / HTTP/1.1\r\n" + HOST
                        + "Content-Length: 4\r\nTransfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n" + SMUGGLED),
                hostile("smuggling through a bare CR in a header value", 400, "POST / HTTP/1.1\r\n" + HOST
                        + "X-Note: a\r" + SMUGGLED),
                hostile("smuggling through a zero Content-Length and a second one", 400, "POST / HTTP/1.1\r\n" + HOST
                        + "Content-Length: 0\r\nContent-Length: " + SMUGGLED.length() + "\r\n\r\n" + SMUGGLED),
                hostile("smuggling through a chunk size line ending in a bare LF", 400,
                        CHUNKED_POST + "0\n\r\n" + SMUGGLED));
    }

    static Stream<Hostile> fields() {
        return Stream.of(
                withHeader("obs-fold with a space", 400, "X-Long: a\r\n b"),
                withHeader("obs-fold with a tab", 400, "X-Long: a\r\n\tb"),
                hostile("whitespace before the first header line", 400, "GET / HTTP/1.1\r\n " + HOST + "\r\n"),
                hostile("bare LF ending the request line", 400, "GET / HTTP/1.1\n" + HOST + "\r\n"),
                hostile("bare LF ending a header line", 400, "GET / HTTP/1.1\r\n" + "Host: x\n\r\n"),
                hostile("bare LF ending the head", 400, "GET / HTTP/1.1\r\n" + HOST + "\n"),
                hostile("bare CR in the request line", 400, "GET /\r HTTP/1.1\r\n" + HOST + "\r\n"),
                withHeader("bare CR in a header value", 400, "X-A: a\rb"),
                withHeader("NUL in a header name", 400, "X-\u0000A: b"),
                withHeader("NUL in a header value", 400, "X-A: a\u0000b"),
                withHeader("a control character in a header value", 400, "X-A: a\u0001b"),
                withHeader("DEL in a header value", 400, "X-A: a\u007fb"),
                withHeader("ESC in a header name", 400, "X\u001bA: b"),
                withHeader("a space before the colon", 400, "X-A : b"),
                withHeader("a tab before the colon", 400, "X-A\t: b"),
                withHeader("an empty header name", 400, ": b"),
                withHeader("a header name with brackets", 400, "X[A]: b"),
                withHeader("a header name with an at sign", 400, "X@A: b"),
                withHeader("a header name with non-ASCII", 400, "X-\u00c4: b"),
                withHeader("a header line without a colon", 400, "X-A b"),
                hostile("no Host on HTTP/1.1", 400, "GET / HTTP/1.1\r\n\r\n"),
                withHeader("two Host fields", 400, "Host: y"),
                hostile("two Host fields on HTTP/1.0", 400, "GET / HTTP/1.0\r\nHost: x\r\nHost: y\r\n\r\n"),
                hostile("a Host with a space", 400, "GET / HTTP/1.1\r\nHost: a b\r\n\r\n"),
                hostile("a Host with a slash", 400, "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n"),
                hostile("a Host with user info", 400, "GET / HTTP/1.1\r\nHost: user@evil\r\n\r\n"),
                hostile("a Host with a non-numeric port", 400, "GET / HTTP/1.1\r\nHost: a:xx\r\n\r\n"),
                hostile("a Host with two ports", 400, "GET / HTTP/1.1\r\nHost: a:80:80\r\n\r\n"),
                hostile("a Host with an unclosed IP literal", 400, "GET / HTTP/1.1\r\nHost: [::1\r\n\r\n"),
                hostile("a Host IP literal that is no IPv6 address", 400, "GET / HTTP/1.1\r\nHost: [zz::1]\r\n\r\n"),
                hostile("a Host IPv6 literal with two ::", 400, "GET / HTTP/1.1\r\nHost: [1::2::3]\r\n\r\n"),
                hostile("a Host IPv6 literal with nine groups", 400, "GET / HTTP/1.1\r\nHost: [1:2:3:4:5:6:7:8:9]\r\n\r\n"),
                hostile("a Host with a bad percent escape", 400, "GET / HTTP/1.1\r\nHost: a%zz\r\n\r\n"));
    }

    static Stream<Hostile> chunks() {
        return Stream.of(
                withChunks("a chunk size that is not hexadecimal", 400, "zz\r\nhello\r\n0\r\n\r\n"),
                withChunks("an empty chunk size", 400, "\r\nhello\r\n0\r\n\r\n"),
                withChunks("a chunk size past any body limit", 413, "fffffffffffffffffff\r\nhello\r\n0\r\n\r\n"),
                withChunks("a chunk size that overflows a long", 413, "ffffffffffffffff\r\nhello\r\n0\r\n\r\n"),
                withChunks("a chunk size with the sign bit set", 413, "8000000000000000\r\nhello\r\n0\r\n\r\n"),
                withChunks("a negative chunk size", 400, "-5\r\nhello\r\n0\r\n\r\n"),
                withChunks("a chunk size with a 0x prefix", 400, "0x5\r\nhello\r\n0\r\n\r\n"),
                withChunks("a chunk size with leading whitespace", 400, " 5\r\nhello\r\n0\r\n\r\n"),
                withChunks("a chunk size with trailing whitespace", 400, "5 \r\nhello\r\n0\r\n\r\n"),
                withChunks("a chunk extension with no name", 400, "5;\r\nhello\r\n0\r\n\r\n"),
                withChunks("a chunk extension with only a value", 400, "5;=x\r\nhello\r\n0\r\n\r\n"),
                withChunks("an unterminated quoted chunk extension", 400, "5;a=\"unterminated\r\nhello\r\n0\r\n\r\n"),
                withChunks("a control character in a chunk extension", 400, "5;a=b\u0001\r\nhello\r\n0\r\n\r\n"),
                withChunks("a NUL in a quoted chunk extension", 400, "5;a=\"b\u0000\"\r\nhello\r\n0\r\n\r\n"),
                withChunks("a chunk extension ending in a bare LF", 400, "5;a=b\nhello\r\n0\r\n\r\n"),
                withChunks("chunk data not followed by CRLF", 400, "5\r\nhelloXY\r\n0\r\n\r\n"),
                withChunks("chunk data followed by a bare LF", 400, "5\r\nhello\n0\r\n\r\n"),
                withChunks("a chunk size line longer than allowed", 400, "5;a=" + "b".repeat(2000) + "\r\nhello\r\n0\r\n\r\n"),
                withChunks("a control character in a trailer", 400, "5\r\nhello\r\n0\r\nX-T: a\u0000\r\n\r\n"),
                withChunks("obs-fold in a trailer", 400, "5\r\nhello\r\n0\r\nX-T: a\r\n b\r\n\r\n"));
    }

    static Stream<Hostile> limits() {
        String manyHeaders = "X-H: v\r\n".repeat(101);
        return Stream.of(
                hostile("a request line longer than 4096 bytes", 414,
                        "GET /" + "a".repeat(4096) + " HTTP/1.1\r\n" + HOST + "\r\n"),
                hostile("a request line longer than 4096 bytes with no end in sight", 414, "GET /" + "a".repeat(5000)),
                withHeader("a header block larger than 8 KiB", 431, ("X-Filler: " + "f".repeat(90) + "\r\n").repeat(90) + "X-End: e"),
                withHeader("one header line larger than 8 KiB with no end in sight", 431, "X-Big: " + "b".repeat(9000)),
                hostile("more than 100 header fields", 431, "GET / HTTP/1.1\r\n" + HOST + manyHeaders + "\r\n"),
                hostile("a Content-Length above the body limit, head only", 413,
                        "POST / HTTP/1.1\r\n" + HOST + "Content-Length: " + (MAX_BODY + 1) + "\r\n\r\n"),
                hostile("a Content-Length above the body limit, body sent anyway", 413,
                        "POST / HTTP/1.1\r\n" + HOST + "Content-Length: " + (MAX_BODY + 1) + "\r\n\r\n" + "b".repeat(MAX_BODY + 1)),
                hostile("a Content-Length of more digits than a long holds is a valid number past any limit", 413,
                        "POST / HTTP/1.1\r\n" + HOST + "Content-Length: " + "9".repeat(40) + "\r\n\r\nhello"),
                hostile("a huge Content-Length with 100-continue gets no 100", 413,
                        "POST / HTTP/1.1\r\n" + HOST + "Expect: 100-continue\r\nContent-Length: 10000000\r\n\r\n"),
                withChunks("one chunk above the body limit", 413, Integer.toHexString(MAX_BODY + 1) + "\r\n"),
                withChunks("chunks that add up to more than the body limit", 413,
                        ("200\r\n" + "c".repeat(0x200) + "\r\n").repeat(2) + "1\r\nc\r\n0\r\n\r\n"));
    }

    static Stream<Hostile> requestLines() {
        return Stream.of(
                withRequestLine("no HTTP version", 400, "GET /"),
                withRequestLine("HTTP/0.9 style", 400, "GET"),
                withRequestLine("HTTP/3.0 in an HTTP/1 request line", 505, "GET / HTTP/3.0"),
                withRequestLine("HTTP/2.0 in an HTTP/1 request line", 505, "GET / HTTP/2.0"),
                withRequestLine("a three-part version", 400, "GET / HTTP/1.1.1"),
                withRequestLine("a lowercase HTTP version", 400, "GET / http/1.1"),
                withRequestLine("a two-digit minor version", 400, "GET / HTTP/1.10"),
                withRequestLine("two spaces after the method", 400, "GET  / HTTP/1.1"),
                withRequestLine("two spaces before the version", 400, "GET /  HTTP/1.1"),
                withRequestLine("a tab between method and target", 400, "GET\t/ HTTP/1.1"),
                withRequestLine("a space after the version", 400, "GET / HTTP/1.1 "),
                withRequestLine("a space before the method", 400, " GET / HTTP/1.1"),
                withRequestLine("no target", 400, "GET HTTP/1.1"),
                withRequestLine("a method with a non-token character", 400, "GE(T / HTTP/1.1"),
                withRequestLine("a target not starting with a slash", 400, "GET index.html HTTP/1.1"),
                withRequestLine("an absolute target with a scheme other than http", 400, "GET ftp://x/ HTTP/1.1"),
                withRequestLine("a fragment in the target", 400, "GET /a#b HTTP/1.1"),
                withRequestLine("non-ASCII in the target", 400, "GET /caf\u00e9 HTTP/1.1"),
                withRequestLine("a control character in the target", 400, "GET /a\u0001b HTTP/1.1"),
                withRequestLine("DEL in the target", 400, "GET /a\u007fb HTTP/1.1"),
                new Hostile("a malformed percent escape in the target", 400,
                        ("GET /%zz HTTP/1.1\r\n" + HOST + "\r\n").getBytes(StandardCharsets.ISO_8859_1), false),
                withRequestLine("GET with the asterisk target", 400, "GET * HTTP/1.1"),
                withRequestLine("an absolute target with an empty host", 400, "GET http:///a HTTP/1.1"),
                withRequestLine("an absolute target with user info", 400, "GET http://u@x/a HTTP/1.1"),
                withRequestLine("an absolute target with a bad port", 400, "GET http://x:y/a HTTP/1.1"),
                withRequestLine("a brace in the path", 400, "GET /a{b} HTTP/1.1"),
                withRequestLine("a quote in the path", 400, "GET /a\"b HTTP/1.1"),
                withRequestLine("angle brackets in the path", 400, "GET /<script> HTTP/1.1"),
                withRequestLine("a backslash in the path", 400, "GET /a\\b HTTP/1.1"),
                withRequestLine("a caret in the path", 400, "GET /a^b HTTP/1.1"),
                withRequestLine("a backtick in the path", 400, "GET /a`b HTTP/1.1"),
                withRequestLine("a pipe in the path", 400, "GET /a|b HTTP/1.1"),
                withRequestLine("a quote in the query", 400, "GET /a?q=\"x\" HTTP/1.1"),
                withRequestLine("CONNECT (an origin server is no proxy)", 501, "CONNECT x:443 HTTP/1.1"),
                hostile("seventeen empty lines before the request line", 400,
                        "\r\n".repeat(17) + "GET / HTTP/1.1\r\n" + HOST + "\r\n"),
                new Hostile("a percent-encoded NUL in the path", 400,
                        ("GET /items/%00 HTTP/1.1\r\n" + HOST + "\r\n").getBytes(StandardCharsets.ISO_8859_1), false),
                // the real preface is served as HTTP/2 (h2c by prior knowledge, Http2Test); one that breaks
                // off after its first line is HTTP/1.1 garbage as ever
                hostile("a broken HTTP/2 connection preface", 400, "PRI * HTTP/2.0\r\n\r\nSX\r\n\r\n"));
    }

    static Stream<Hostile> garbage() {
        byte[] random = new byte[600];
        new Random(20240611).nextBytes(random);
        byte[] clientHello = hex("16030102000100 01fc0303" + "a1".repeat(32) + "20" + "b2".repeat(32)
                + "003e130213031301c02cc030009fcca9cca8ccaac02bc02f009ec024c028006bc023c0270067c00ac0140039c009c0130033009d009c003d003c0035002f00ff0100");
        return Stream.of(
                new Hostile("random bytes", 400, random, true),
                new Hostile("a TLS ClientHello on the plain port", 400, clientHello, true),
                hostile("an SSH banner", 400, "SSH-2.0-OpenSSH_9.6\r\n"),
                hostile("JSON instead of a request", 400, "{\"hello\": \"world\"}\r\n\r\n"),
                hostile("NUL bytes", 400, "\u0000".repeat(64)));
    }

    private static byte[] hex(String digits) {
        String s = digits.replace(" ", "");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i + 1 < s.length(); i += 2) {
            out.write(Integer.parseInt(s.substring(i, i + 2), 16));
        }
        return out.toByteArray();
    }
}
