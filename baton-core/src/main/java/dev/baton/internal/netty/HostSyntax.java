package dev.baton.internal.netty;

import java.nio.charset.StandardCharsets;

/**
 * RFC 3986 3.2.2 and RFC 9110 7.2: a {@code uri-host [ ":" port ]}, as the Host field and an
 * absolute-form target's authority carry it. Works on the scanner's heap array.
 */
final class HostSyntax {
    private static final boolean[] HOST_CHAR = new boolean[256];

    static {
        for (int c = 0; c < 256; c++) {
            HOST_CHAR[c] = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        }
        for (char c : "-._~!$&'()*+,;=:%[]".toCharArray()) {
            HOST_CHAR[c] = true;
        }
    }

    private HostSyntax() {
    }

    /** RFC 3986 3.2.2: the inside of an IP-literal, an IPv6 address or an IPvFuture ({@code v1.x}). */
    static boolean isIpLiteral(String s) {
        if (!s.isEmpty() && (s.charAt(0) == 'v' || s.charAt(0) == 'V')) {
            int dot = s.indexOf('.');
            if (dot < 2 || dot == s.length() - 1) {
                return false;
            }
            for (int i = 1; i < dot; i++) {
                if (HttpSyntax.hexValue((byte) s.charAt(i)) < 0) {
                    return false;
                }
            }
            for (int i = dot + 1; i < s.length(); i++) {
                char c = s.charAt(i);
                if (!(Character.isLetterOrDigit(c) && c < 128) && "-._~!$&'()*+,;=:".indexOf(c) < 0) {
                    return false;
                }
            }
            return true;
        }
        return isIpv6(s);
    }

    private static boolean isIpv6(String s) {
        int gap = s.indexOf("::");
        if (gap >= 0 && s.indexOf("::", gap + 1) >= 0) {
            return false; // at most one "::"
        }
        String[] head = gap < 0 ? s.split(":", -1) : s.substring(0, gap).split(":", -1);
        String[] tail = gap < 0 ? new String[0] : s.substring(gap + 2).split(":", -1);
        if (gap >= 0 && head.length == 1 && head[0].isEmpty()) {
            head = new String[0];
        }
        if (gap >= 0 && tail.length == 1 && tail[0].isEmpty()) {
            tail = new String[0];
        }
        // only the address's very last group may be an IPv4 address (::ffff:1.2.3.4)
        String[] finalPart = tail.length > 0 ? tail : gap < 0 ? head : new String[0];
        int groups = 0;
        for (String[] part : new String[][] {head, tail}) {
            for (int i = 0; i < part.length; i++) {
                String g = part[i];
                if (part == finalPart && i == part.length - 1 && g.indexOf('.') >= 0) {
                    if (!isIpv4(g)) {
                        return false;
                    }
                    groups += 2;
                } else if (g.isEmpty() || g.length() > 4 || !g.chars().allMatch(c -> HttpSyntax.hexValue((byte) c) >= 0)) {
                    return false;
                } else {
                    groups++;
                }
            }
        }
        return gap < 0 ? groups == 8 : groups <= 7;
    }

    private static boolean isIpv4(String s) {
        String[] octets = s.split("\\.", -1);
        if (octets.length != 4) {
            return false;
        }
        for (String o : octets) {
            if (o.isEmpty() || o.length() > 3 || !o.chars().allMatch(Character::isDigit) || Integer.parseInt(o) > 255
                    || (o.length() > 1 && o.charAt(0) == '0')) {
                return false;
            }
        }
        return true;
    }

    /**
     * True if {@code buf[from, to)} is {@code uri-host [ ":" port ]} (RFC 9110 7.2, RFC 3986 3.2.2):
     * an IP literal in brackets, or a reg-name / IPv4 address of unreserved, sub-delims and
     * percent-encoded bytes, then optionally a colon and digits. Empty is valid (RFC 9110 7.2).
     */
    static boolean isHostAndPort(byte[] buf, int from, int to) {
        int i = from;
        if (i < to && buf[i] == '[') {
            i++;
            int literal = i;
            while (i < to && buf[i] != ']') {
                byte b = buf[i];
                if (!(HOST_CHAR[b & 0xFF] && b != '%' && b != '[')) {
                    return false;
                }
                i++;
            }
            if (i >= to || !isIpLiteral(new String(buf, literal, i - literal, StandardCharsets.ISO_8859_1))) {
                return false;
            }
            i++;
        } else {
            while (i < to && buf[i] != ':') {
                byte b = buf[i];
                if (b == '%') {
                    if (i + 2 >= to || HttpSyntax.hexValue(buf[i + 1]) < 0 || HttpSyntax.hexValue(buf[i + 2]) < 0) {
                        return false;
                    }
                    i += 2;
                } else if (!HOST_CHAR[b & 0xFF] || b == '[' || b == ']') {
                    return false;
                }
                i++;
            }
        }
        if (i == to) {
            return true;
        }
        if (buf[i] != ':') {
            return false;
        }
        for (i++; i < to; i++) {
            if (buf[i] < '0' || buf[i] > '9') {
                return false;
            }
        }
        return true;
    }

}
