package io.countersign.api;

import java.util.List;
import java.util.Objects;

/** An automated caller and the humans it may act for. */
public record Agent(String id, List<String> actsFor) {
    public Agent {
        Objects.requireNonNull(id, "id");
        actsFor = List.copyOf(actsFor);
    }

    public boolean mayActFor(String human) {
        return actsFor.contains(human);
    }
}
