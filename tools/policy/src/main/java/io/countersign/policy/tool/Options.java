package io.countersign.policy.tool;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code --name value} options, {@code --flag} flags and positional arguments; anything else is a usage error. */
final class Options {

    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    final Map<String, String> values = new LinkedHashMap<>();
    final List<String> flags = new ArrayList<>();
    final List<String> positional = new ArrayList<>();

    static Options parse(List<String> args, Set<String> valued, Set<String> flagged) throws UsageException {
        Options options = new Options();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (valued.contains(arg)) {
                if (i + 1 >= args.size()) {
                    throw new UsageException(arg + " needs a value");
                }
                options.values.put(arg, args.get(++i));
            } else if (flagged.contains(arg)) {
                options.flags.add(arg);
            } else if (arg.startsWith("--")) {
                throw new UsageException("unknown option " + arg);
            } else {
                options.positional.add(arg);
            }
        }
        return options;
    }

    String required(String name) throws UsageException {
        String value = values.get(name);
        if (value == null || value.isBlank()) {
            throw new UsageException(name + " is required");
        }
        return value;
    }

    boolean has(String flag) {
        return flags.contains(flag);
    }
}
