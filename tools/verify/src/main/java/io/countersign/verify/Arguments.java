package io.countersign.verify;

import java.nio.file.Path;

/** The command line: {@code BUNDLE [--trusted-checkpoint FILE] [--keys FILE] [--fabric CONNECTION.json] [--json]}. */
record Arguments(Path bundle, Path trustedCheckpoint, Path keys, Path fabric, boolean json) {
    static final String USAGE =
            "usage: java -jar countersign-verify.jar BUNDLE [--trusted-checkpoint FILE] [--keys FILE]"
                    + " [--fabric CONNECTION.json] [--json]";

    /** Throws {@link IllegalArgumentException} with what is wrong. */
    static Arguments parse(String... args) {
        Path bundle = null;
        Path trusted = null;
        Path keys = null;
        Path fabric = null;
        boolean json = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--json" -> json = true;
                case "--trusted-checkpoint" -> trusted = Path.of(valueOf(args, ++i, "--trusted-checkpoint"));
                case "--keys" -> keys = Path.of(valueOf(args, ++i, "--keys"));
                case "--fabric" -> fabric = Path.of(valueOf(args, ++i, "--fabric"));
                default -> {
                    if (args[i].startsWith("--") || bundle != null) {
                        throw new IllegalArgumentException("unexpected argument " + args[i]);
                    }
                    bundle = Path.of(args[i]);
                }
            }
        }
        if (bundle == null) {
            throw new IllegalArgumentException("no bundle given");
        }
        return new Arguments(bundle, trusted, keys, fabric, json);
    }

    private static String valueOf(String[] args, int index, String option) {
        if (index >= args.length) {
            throw new IllegalArgumentException(option + " needs a file");
        }
        return args[index];
    }
}
