package io.countersign.verify;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The entries of one request's chain before they are appended, so a test can change any of them first. */
final class RequestScenario {
    /** One entry to be: its type and mutable data. */
    record Step(String type, Map<String, Object> data) {
        Step copy() {
            return new Step(type, new LinkedHashMap<>(data));
        }
    }

    final String request;
    final List<Step> steps = new ArrayList<>();

    RequestScenario(String request) {
        this.request = request;
    }

    RequestScenario add(String type, Map<String, Object> data) {
        data.put("request", request);
        steps.add(new Step(type, data));
        return this;
    }

    /** The data of the {@code occurrence}-th (from 0) step of this type. */
    Map<String, Object> data(String type, int occurrence) {
        return steps.stream().filter(s -> s.type().equals(type)).skip(occurrence).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no " + type + " #" + occurrence)).data();
    }

    Map<String, Object> data(String type) {
        return data(type, 0);
    }

    /** Repeats the first step of this type right after it. */
    RequestScenario repeat(String type) {
        Step step = steps.stream().filter(s -> s.type().equals(type)).findFirst().orElseThrow();
        steps.add(steps.indexOf(step) + 1, step.copy());
        return this;
    }
}
