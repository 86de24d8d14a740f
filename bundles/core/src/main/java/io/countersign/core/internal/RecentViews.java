package io.countersign.core.internal;

import io.countersign.api.RequestView;
import java.util.LinkedHashMap;
import java.util.Map;

/** The most recently read views of closed requests, so a closed request read twice is rebuilt from disk once. */
final class RecentViews {

    private final Map<String, RequestView> views;

    RecentViews(int capacity) {
        this.views = new LinkedHashMap<>(capacity, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, RequestView> eldest) {
                return size() > capacity;
            }
        };
    }

    synchronized RequestView get(String id) {
        return views.get(id);
    }

    /** Keeps the newer of the cached and the given view: a reader that rebuilt a view before a change lands last. */
    synchronized void put(RequestView view) {
        views.merge(view.id(), view, (cached, fresh) -> fresh.version() >= cached.version() ? fresh : cached);
    }

}
