// Drives Debian's spymemcached for test_spymemcached.py (text protocol) and
// test_binary_spymemcached.py (binary) (the protocol is in driver.py): one JSON request a
// line, [operation, arguments...], and one JSON answer a line. "text" is spymemcached's
// DefaultConnectionFactory, its default; "binary" is BinaryConnectionFactory, or with a
// username and password a binary ConnectionFactoryBuilder with a PLAIN AuthDescriptor. The
// requests
// carry strings, integers and arrays of strings only, which is all the small reader below
// parses; the answers are written by hand too, as the JDK has no JSON.
//
// "bench" is the client lab's timing loop (bench/compare-clients): VALUE STORED SEQUENCE
// stores VALUE (an ArrayList of Strings, which spymemcached's SerializingTranscoder writes
// with Java serialisation) under every key of STORED, then gets each key of SEQUENCE one
// call at a time, each timed alone with System.nanoTime; it answers
// {"times_ns": [...], "hits": how many gets found a value}.
//
// Usage: java -cp spymemcached.jar:. SpyDriver text|binary HOST:PORT [USERNAME PASSWORD]

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import net.spy.memcached.AddrUtil;
import net.spy.memcached.BinaryConnectionFactory;
import net.spy.memcached.CASValue;
import net.spy.memcached.ConnectionFactory;
import net.spy.memcached.ConnectionFactoryBuilder;
import net.spy.memcached.DefaultConnectionFactory;
import net.spy.memcached.MemcachedClient;
import net.spy.memcached.auth.AuthDescriptor;
import net.spy.memcached.auth.PlainCallbackHandler;

public final class SpyDriver {
    // How long an operation may wait for its answer; -Dspydriver.deadline_ms=... changes it.
    private static final long DEADLINE_MS = Long.getLong("spydriver.deadline_ms", 5000);

    public static void main(String[] args) throws Exception {
        System.setProperty("net.spy.log.LoggerImpl", "net.spy.memcached.compat.log.SunLogger");
        Logger.getLogger("net.spy.memcached").setLevel(Level.WARNING);
        ConnectionFactory factory;
        String protocol = args[0];
        args = java.util.Arrays.copyOfRange(args, 1, args.length);
        if (protocol.equals("text")) {
            factory = new DefaultConnectionFactory() {
                @Override
                public long getOperationTimeout() { return DEADLINE_MS; }
            };
        } else if (!protocol.equals("binary")) {
            throw new IllegalArgumentException("usage: SpyDriver text|binary HOST:PORT [USERNAME PASSWORD]");
        } else if (args.length == 3) {
            AuthDescriptor plain = new AuthDescriptor(new String[] {"PLAIN"},
                                                      new PlainCallbackHandler(args[1], args[2]));
            factory = new ConnectionFactoryBuilder().setProtocol(ConnectionFactoryBuilder.Protocol.BINARY)
                          .setAuthDescriptor(plain).setOpTimeout(DEADLINE_MS).build();
        } else {
            factory = new BinaryConnectionFactory() {
                @Override
                public long getOperationTimeout() { return DEADLINE_MS; }
            };
        }
        MemcachedClient client = new MemcachedClient(factory, AddrUtil.getAddresses(args[0]));
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            String answer;
            try {
                answer = "{\"result\": " + json(call(client, new Reader(line).array())) + "}";
            } catch (Exception e) {
                Throwable cause = e.getCause() != null && e instanceof java.util.concurrent.ExecutionException
                                      ? e.getCause() : e;
                answer = "{\"error\": " + json(cause.getClass().getSimpleName() + ": " + cause.getMessage()) + "}";
            }
            System.out.println(answer);
            System.out.flush();
        }
        // Every operation was waited for: nothing is left to send. A clean shutdown() would
        // wait for an authentication thread still retrying a refused login.
        System.exit(0);
    }

    private static Object call(MemcachedClient c, List<Object> request) throws Exception {
        String op = (String) request.get(0);
        List<Object> a = request.subList(1, request.size());
        switch (op) {
            case "set": return done(c.set(s(a, 0), i(a, 1), a.get(2)));
            case "add": return done(c.add(s(a, 0), i(a, 1), a.get(2)));
            case "replace": return done(c.replace(s(a, 0), i(a, 1), a.get(2)));
            case "append": return done(c.append(s(a, 0), a.get(1)));
            case "prepend": return done(c.prepend(s(a, 0), a.get(1)));
            case "delete": return done(c.delete(s(a, 0)));
            case "touch": return done(c.touch(s(a, 0), i(a, 1)));
            case "flush": return done(c.flush());
            case "get": return c.get(s(a, 0));
            case "gets": {
                CASValue<Object> v = c.gets(s(a, 0));
                if (v == null) return null;
                Map<String, Object> out = new TreeMap<>();
                out.put("value", v.getValue());
                out.put("cas", v.getCas());
                return out;
            }
            case "cas": return c.cas(s(a, 0), ((Number) a.get(1)).longValue(), a.get(2)).name();
            case "getBulk": {
                List<String> keys = new ArrayList<>();
                for (Object k : (List<?>) a.get(0)) keys.add((String) k);
                return new TreeMap<>(c.getBulk(keys));
            }
            // incr/decr with a default create the key; without one a miss is -1.
            case "incr": return a.size() > 2 ? c.incr(s(a, 0), l(a, 1), l(a, 2), i(a, 3)) : c.incr(s(a, 0), l(a, 1));
            case "decr": return a.size() > 2 ? c.decr(s(a, 0), l(a, 1), l(a, 2), i(a, 3)) : c.decr(s(a, 0), l(a, 1));
            case "bench": return bench(c, (List<?>) a.get(0), (List<?>) a.get(1), (List<?>) a.get(2));
            case "getStats": return bySocket(a.isEmpty() ? c.getStats() : c.getStats(s(a, 0)));
            case "getVersions": return bySocket(c.getVersions());
            default: throw new IllegalArgumentException("unknown operation " + op);
        }
    }

    private static Map<String, Object> bench(MemcachedClient c, List<?> value, List<?> stored, List<?> sequence)
            throws Exception {
        ArrayList<Object> serialisable = new ArrayList<>(value);
        for (Object key : stored) {
            if (!done(c.set((String) key, 0, serialisable))) throw new IllegalStateException("bench: storing " + key);
        }
        List<Long> times = new ArrayList<>(sequence.size());
        long hits = 0;
        for (Object key : sequence) {
            long start = System.nanoTime();
            Object found = c.get((String) key);
            times.add(System.nanoTime() - start);
            if (found != null) hits++;
        }
        Map<String, Object> out = new TreeMap<>();
        out.put("times_ns", times);
        out.put("hits", hits);
        return out;
    }

    private static Boolean done(Future<Boolean> f) throws Exception {
        return f.get(DEADLINE_MS, TimeUnit.MILLISECONDS);
    }

    private static <V> Map<String, V> bySocket(Map<java.net.SocketAddress, V> m) {
        Map<String, V> out = new TreeMap<>();
        for (Map.Entry<java.net.SocketAddress, V> e : m.entrySet()) {
            InetSocketAddress address = (InetSocketAddress) e.getKey();
            out.put(address.getAddress().getHostAddress() + ":" + address.getPort(), e.getValue());
        }
        return out;
    }

    private static String s(List<Object> a, int n) { return (String) a.get(n); }
    private static int i(List<Object> a, int n) { return ((Number) a.get(n)).intValue(); }
    private static long l(List<Object> a, int n) { return ((Number) a.get(n)).longValue(); }

    private static String json(Object v) {
        if (v == null) return "null";
        if (v instanceof Boolean || v instanceof Number) return v.toString();
        if (v instanceof List) {
            StringBuilder b = new StringBuilder("[");
            for (Object e : (List<?>) v) {
                if (b.length() > 1) b.append(", ");
                b.append(json(e));
            }
            return b.append(']').toString();
        }
        if (v instanceof Map) {
            StringBuilder b = new StringBuilder("{");
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                if (b.length() > 1) b.append(", ");
                b.append(json(e.getKey().toString())).append(": ").append(json(e.getValue()));
            }
            return b.append('}').toString();
        }
        String text = v.toString();
        StringBuilder b = new StringBuilder(text.length() + 2).append('"');
        for (char ch : text.toCharArray()) {
            if (ch == '"' || ch == '\\') b.append('\\').append(ch);
            else if (ch < 0x20) b.append(String.format("\\u%04x", (int) ch));
            else b.append(ch);
        }
        return b.append('"').toString();
    }

    /** Reads the requests' JSON: arrays, strings (with \" \\ \n \\uXXXX escapes), integers, null. */
    private static final class Reader {
        private final String text;
        private int at;

        Reader(String text) { this.text = text; }

        List<Object> array() {
            expect('[');
            List<Object> out = new ArrayList<>();
            skipSpace();
            if (peek() == ']') { at++; return out; }
            while (true) {
                out.add(value());
                skipSpace();
                char ch = text.charAt(at++);
                if (ch == ']') return out;
                if (ch != ',') throw new IllegalArgumentException("bad request at " + at + ": " + text);
            }
        }

        private Object value() {
            skipSpace();
            char ch = peek();
            if (ch == '[') return array();
            if (ch == '"') return string();
            if (text.startsWith("null", at)) { at += 4; return null; }
            int start = at;
            while (at < text.length() && (Character.isDigit(text.charAt(at)) || text.charAt(at) == '-')) at++;
            return Long.parseLong(text.substring(start, at));
        }

        private String string() {
            expect('"');
            StringBuilder b = new StringBuilder();
            for (char ch; (ch = text.charAt(at++)) != '"'; ) {
                if (ch != '\\') { b.append(ch); continue; }
                char e = text.charAt(at++);
                switch (e) {
                    case 'n': b.append('\n'); break;
                    case 'r': b.append('\r'); break;
                    case 't': b.append('\t'); break;
                    case 'u': b.append((char) Integer.parseInt(text.substring(at, at + 4), 16)); at += 4; break;
                    default: b.append(e);
                }
            }
            return b.toString();
        }

        private void expect(char ch) {
            skipSpace();
            if (text.charAt(at++) != ch) throw new IllegalArgumentException("expected " + ch + " at " + at);
        }

        private char peek() { return text.charAt(at); }

        private void skipSpace() { while (at < text.length() && text.charAt(at) == ' ') at++; }
    }
}
