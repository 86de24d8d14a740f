package io.countersign.http.internal;

import io.countersign.http.HttpRoute;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** The routes contributed right now, matched by longest path prefix on a segment boundary. */
final class RouteTable {

    record Entry(String prefix, HttpRoute route) {
    }

    private final CopyOnWriteArrayList<Entry> entries = new CopyOnWriteArrayList<>();

    void add(String prefix, HttpRoute route) {
        entries.add(new Entry(normalize(prefix), route));
        entries.sort(Comparator.comparingInt((Entry e) -> e.prefix().length()).reversed());
    }

    void remove(HttpRoute route) {
        entries.removeIf(e -> e.route() == route);
    }

    Optional<Entry> match(String path) {
        for (Entry entry : entries) {
            String prefix = entry.prefix();
            if (prefix.equals("/") || path.equals(prefix) || path.startsWith(prefix + "/")) {
                return Optional.of(entry);
            }
        }
        return Optional.empty();
    }

    List<String> prefixes() {
        return entries.stream().map(Entry::prefix).sorted().toList();
    }

    static String normalize(String prefix) {
        if (prefix == null || prefix.isBlank()) {
            throw new IllegalArgumentException("a route needs a " + HttpRoute.PREFIX + " property");
        }
        String p = prefix.startsWith("/") ? prefix : "/" + prefix;
        return p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }
}
