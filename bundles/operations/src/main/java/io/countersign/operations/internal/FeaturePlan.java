package io.countersign.operations.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What COUNTERSIGN_FEATURES asks of an installation at start: it names every optional feature that should be on, so
 * the ones it names and are off are installed, and the optional ones that are on and it no longer names are
 * uninstalled. Names it gives that are not optional features are refused, and nothing is changed for them.
 */
record FeaturePlan(Set<String> install, Set<String> uninstall, List<String> unknown) {

    static FeaturePlan of(String requested, Set<String> optional, Set<String> installed) {
        Set<String> wanted = new LinkedHashSet<>();
        List<String> unknown = new ArrayList<>();
        Arrays.stream(requested.split("[,\\s]+")).map(String::trim).filter(name -> !name.isEmpty()).forEach(name -> {
            if (optional.contains(name)) {
                wanted.add(name);
            } else {
                unknown.add(name);
            }
        });
        Set<String> install = new LinkedHashSet<>();
        for (String name : wanted) {
            if (!installed.contains(name)) {
                install.add(name);
            }
        }
        Set<String> uninstall = new LinkedHashSet<>();
        for (String name : optional) {
            if (installed.contains(name) && !wanted.contains(name)) {
                uninstall.add(name);
            }
        }
        return new FeaturePlan(Set.copyOf(install), Set.copyOf(uninstall), List.copyOf(unknown));
    }

    boolean changesNothing() {
        return install.isEmpty() && uninstall.isEmpty();
    }
}
