package io.countersign.itests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The example connector in {@code examples/filedrop-intake}, built as its author builds it: a copy of its folder,
 * its own pom, plain offline Maven against the countersign-api this reactor installed. Nothing of the reactor is on
 * its class path.
 */
final class ExampleConnector {

    static final String GROUP_PATH = "io/countersign/examples/countersign-example-filedrop/0.1.0/";
    static final String FEATURES_URL = "mvn:io.countersign.examples/countersign-example-filedrop/0.1.0/xml/features";
    static final String FEATURE = "countersign-example-filedrop";
    static final String BUNDLE = "io.countersign.examples.countersign-example-filedrop";

    /** The built bundle and its features repository. */
    record Built(Path jar, Path features) {

        /**
         * Puts both, in Maven layout, into the installation's own repository ({@code system/}), where
         * {@code feature:repo-add mvn:...} finds them without a network, as an operator would copy them.
         */
        void publishInto(Path karafHome) throws IOException {
            Path into = karafHome.resolve("system").resolve(GROUP_PATH);
            Files.createDirectories(into);
            Files.copy(jar, into.resolve("countersign-example-filedrop-0.1.0.jar"),
                    StandardCopyOption.REPLACE_EXISTING);
            Files.copy(features, into.resolve("countersign-example-filedrop-0.1.0-features.xml"),
                    StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private ExampleConnector() {
    }

    static Built build(Path workDir) throws IOException, InterruptedException {
        Path source = Path.of(System.getProperty("countersign.root"), "examples/filedrop-intake");
        Path project = workDir.resolve("filedrop-intake");
        copyWithoutTarget(source, project);
        List<String> command = new ArrayList<>(List.of(maven(), "-B", "-ntp", "-o", "-q", "package",
                "-Dcountersign.version=" + System.getProperty("countersign.version")));
        String localRepository = System.getProperty("org.ops4j.pax.url.mvn.localRepository");
        if (localRepository != null && !localRepository.isBlank()) {
            command.add("-Dmaven.repo.local=" + localRepository);
        }
        Path log = workDir.resolve("build.log");
        Process build = new ProcessBuilder(command).directory(project.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!build.waitFor(5, TimeUnit.MINUTES)) {
            build.destroyForcibly();
            throw new AssertionError("the example's build did not finish in 5 minutes: "
                    + Files.readString(log, StandardCharsets.UTF_8));
        }
        if (build.exitValue() != 0) {
            throw new AssertionError("the example did not build (" + String.join(" ", command) + "):\n"
                    + Files.readString(log, StandardCharsets.UTF_8));
        }
        Built built = new Built(project.resolve("target/countersign-example-filedrop-0.1.0.jar"),
                project.resolve("target/feature/feature.xml"));
        if (!Files.isRegularFile(built.jar()) || !Files.isRegularFile(built.features())) {
            throw new AssertionError("the example's build made no bundle or no features repository in "
                    + project.resolve("target"));
        }
        return built;
    }

    /** The Maven running this build (failsafe passes its home), else the one on the PATH. */
    private static String maven() {
        String home = System.getProperty("countersign.maven.home");
        if (home != null && Files.isExecutable(Path.of(home, "bin/mvn"))) {
            return Path.of(home, "bin/mvn").toString();
        }
        return "mvn";
    }

    private static void copyWithoutTarget(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path relative = from.relativize(file);
                if (relative.startsWith("target")) {
                    continue;
                }
                Path copy = to.resolve(relative.toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
