package io.countersign.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Which component a start-up spent its time in, from a JFR recording of it: every stack sample (running Java code,
 * and native code such as file reads when the stack is in a Countersign start-up step) is given to the outermost
 * start-up step on its stack (the journal's recovery, the policy engine's replay and compile, the core's replay, the
 * ledger's checkpoint check, the dispatcher's replay, ...), or else to its thread; within a step, to what the sample
 * was doing at its top (parsing JSON, SHA-256, canonical JSON, file reads, ...). Samples are taken every 20 ms per
 * thread (JFR's default settings), so samples × 20 ms approximates the CPU time of a step; the first and last sample
 * bound when it ran, in seconds since the process was started.
 */
final class JfrStartup {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final double SAMPLE_SECONDS = 0.020;

    /** A start-up step: recognised by a method on the stack. */
    private record Step(String name, String className, String method) {
        boolean matches(RecordedFrame frame) {
            if (!frame.isJavaFrame()) {
                return false;
            }
            String type = frame.getMethod().getType().getName();
            return type.equals(className) && (method == null || frame.getMethod().getName().equals(method));
        }
    }

    private static final List<Step> STEPS = List.of(
            new Step("journal: open (Recovery: verify every record, recompute the Merkle tree)",
                    "io.countersign.journal.internal.JournalStore", "open"),
            new Step("policy engine: start (journal replay for the last policy.activated)",
                    "io.countersign.policy.drools.internal.DroolsPolicyEngine", "startGoverned"),
            new Step("policy changes: replay", "io.countersign.policy.drools.internal.PolicyGovernance", null),
            new Step("core: replay (ApprovalEngine.recover)", "io.countersign.core.internal.ApprovalEngine",
                    "recover"),
            new Step("ledger: load checkpoints, check the newest against the tree",
                    "io.countersign.ledger.internal.Checkpointer", null),
            new Step("ledger: load checkpoints, check the newest against the tree",
                    "io.countersign.ledger.internal.CheckpointFile", null),
            new Step("dispatcher: notification replay from the oldest open request",
                    "io.countersign.camel.internal.Dispatcher", "recover"),
            new Step("signing keys", "io.countersign.signing.internal.KeyRing", null),
            new Step("directory", "io.countersign.identity.internal.FileDirectory", null));

    private static final Map<String, String[]> LEAVES = new LinkedHashMap<>();

    static {
        LEAVES.put("canonical JSON (Jcs)", new String[] {"io.countersign.api.json.Jcs"});
        LEAVES.put("SHA-256", new String[] {"sun.security.provider.SHA2", "sun.security.provider.DigestBase",
                "java.security.MessageDigest"});
        LEAVES.put("CRC-32C", new String[] {"java.util.zip.CRC32C"});
        LEAVES.put("Merkle node file", new String[] {"io.countersign.journal.internal.NodeFile"});
        LEAVES.put("file I/O", new String[] {"sun.nio.ch.FileChannelImpl", "sun.nio.ch.IOUtil",
                "sun.nio.ch.FileDispatcherImpl"});
        LEAVES.put("Instant parse/format", new String[] {"java.time.format", "java.time.Instant"});
        LEAVES.put("ClosedIndex", new String[] {"io.countersign.core.internal.ClosedIndex"});
        LEAVES.put("UUID", new String[] {"java.util.UUID"});
        LEAVES.put("Drools/MVEL/ECJ", new String[] {"org.drools", "org.kie", "org.mvel", "org.eclipse.jdt"});
        LEAVES.put("JSON parse and tree (Jackson)", new String[] {"com.fasterxml.jackson"});
        LEAVES.put("projection (Projection, JournalCodec, RequestState)", new String[] {
                "io.countersign.core.internal.Projection", "io.countersign.core.internal.JournalCodec",
                "io.countersign.core.internal.RequestState"});
        LEAVES.put("hash maps", new String[] {"java.util.HashMap", "java.util.LinkedHashMap",
                "java.util.concurrent.ConcurrentHashMap", "java.util.HashSet"});
    }

    private static final class Tally {
        long samples;
        long nativeSamples;
        Instant first;
        Instant last;
        final Map<String, Long> leaves = new LinkedHashMap<>();

        void add(Instant at, String leaf, boolean nativeSample) {
            samples++;
            if (nativeSample) {
                nativeSamples++;
            }
            first = first == null || at.isBefore(first) ? at : first;
            last = last == null || at.isAfter(last) ? at : last;
            leaves.merge(leaf, 1L, Long::sum);
        }
    }

    private JfrStartup() {
    }

    static ObjectNode analyse(Path recording, Instant processStart) throws IOException {
        Map<String, Tally> steps = new LinkedHashMap<>();
        long gcCount = 0;
        double gcPauseMs = 0;
        double gcLongestMs = 0;
        long maxHeapAfterGc = 0;
        Instant jvmStart = null;
        try (RecordingFile file = new RecordingFile(recording)) {
            while (file.hasMoreEvents()) {
                RecordedEvent event = file.readEvent();
                String type = event.getEventType().getName();
                switch (type) {
                    case "jdk.ExecutionSample", "jdk.NativeMethodSample" -> {
                        boolean nativeSample = type.equals("jdk.NativeMethodSample");
                        RecordedStackTrace stack = event.getStackTrace();
                        RecordedThread thread = event.getThread("sampledThread");
                        if (stack == null) {
                            continue;
                        }
                        List<RecordedFrame> frames = stack.getFrames();
                        Found found = step(frames);
                        String step = found == null ? null : found.name();
                        if (step == null) {
                            if (nativeSample) {
                                continue; // idle threads wait in native code: only start-up steps count
                            }
                            String name = thread == null || thread.getJavaName() == null ? "?" : thread.getJavaName();
                            step = name.equals("FelixStartLevel") ? "karaf/OSGi and other bundles (FelixStartLevel)"
                                    : "other threads: " + name.replaceAll("[-#]?\\d+$", "");
                        }
                        steps.computeIfAbsent(step, k -> new Tally()).add(event.getStartTime(),
                                leaf(frames, found == null ? frames.size() : found.frame()), nativeSample);
                    }
                    case "jdk.GarbageCollection" -> {
                        gcCount++;
                        double pause = event.getDuration("sumOfPauses").toNanos() / 1e6;
                        gcPauseMs += pause;
                        gcLongestMs = Math.max(gcLongestMs, event.getDuration("longestPause").toNanos() / 1e6);
                    }
                    case "jdk.GCHeapSummary" -> {
                        if ("After GC".equals(event.getString("when"))) {
                            maxHeapAfterGc = Math.max(maxHeapAfterGc, event.getLong("heapUsed"));
                        }
                    }
                    case "jdk.JVMInformation" -> jvmStart = event.getInstant("jvmStartTime");
                    default -> {
                    }
                }
            }
        }
        ObjectNode result = JSON.objectNode();
        if (jvmStart != null) {
            result.put("jvmStartedAfterSeconds", secondsBetween(processStart, jvmStart));
        }
        result.put("gcCount", gcCount);
        result.put("gcPauseTotalMs", Math.round(gcPauseMs));
        result.put("gcLongestPauseMs", Math.round(gcLongestMs));
        result.put("maxHeapUsedAfterAnyGcMB", Math.round(maxHeapAfterGc / 1e5) / 10.0);
        ArrayNode list = result.putArray("steps");
        steps.entrySet().stream()
                .sorted(Comparator.comparing((Map.Entry<String, Tally> e) -> e.getValue().samples).reversed())
                .limit(16)
                .forEach(e -> {
                    Tally tally = e.getValue();
                    ObjectNode json = list.addObject();
                    json.put("step", e.getKey());
                    json.put("samples", tally.samples);
                    json.put("approxSeconds", Math.round(tally.samples * SAMPLE_SECONDS * 100) / 100.0);
                    json.put("nativeSamples", tally.nativeSamples);
                    json.put("fromSeconds", secondsBetween(processStart, tally.first));
                    json.put("toSeconds", secondsBetween(processStart, tally.last));
                    ObjectNode leaves = json.putObject("doing");
                    tally.leaves.entrySet().stream()
                            .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(8)
                            .forEach(leaf -> leaves.put(leaf.getKey(), leaf.getValue()));
                });
        return result;
    }

    private static double secondsBetween(Instant from, Instant to) {
        return Math.round(Duration.between(from, to).toMillis()) / 1000.0;
    }

    /** A step and the index of the frame that marks it (frames run from the top, 0, to the thread's root). */
    private record Found(String name, int frame) {
    }

    /** The outermost start-up step on the stack, or else the outermost Countersign frame; null if neither. */
    private static Found step(List<RecordedFrame> frames) {
        for (int i = frames.size() - 1; i >= 0; i--) {
            RecordedFrame frame = frames.get(i);
            for (Step step : STEPS) {
                if (step.matches(frame)) {
                    if (step.className().endsWith("DroolsPolicyEngine") && !mentions(frames, i,
                            "io.countersign.journal.internal.JournalReader")) {
                        return new Found("policy engine: start (compile the rule set, install)", i);
                    }
                    return new Found(step.name(), i);
                }
            }
        }
        for (int i = frames.size() - 1; i >= 0; i--) {
            RecordedFrame frame = frames.get(i);
            if (frame.isJavaFrame() && frame.getMethod().getType().getName().startsWith("io.countersign.")) {
                String type = frame.getMethod().getType().getName();
                String simple = type.substring(type.lastIndexOf('.') + 1);
                if (simple.contains("$$Lambda") || simple.matches("\\d+")) {
                    continue;
                }
                return new Found("countersign, other: " + simple + "." + frame.getMethod().getName(), i);
            }
        }
        return null;
    }

    private static boolean mentions(List<RecordedFrame> frames, int below, String className) {
        for (int i = below; i >= 0; i--) {
            RecordedFrame frame = frames.get(i);
            if (frame.isJavaFrame() && frame.getMethod().getType().getName().equals(className)) {
                return true;
            }
        }
        return false;
    }

    /** What the sample was doing: the first category found above the step's frame, in the order of LEAVES. */
    private static String leaf(List<RecordedFrame> frames, int above) {
        for (Map.Entry<String, String[]> leaf : LEAVES.entrySet()) {
            for (int i = 0; i < above; i++) {
                RecordedFrame frame = frames.get(i);
                if (!frame.isJavaFrame()) {
                    continue;
                }
                String type = frame.getMethod().getType().getName();
                for (String prefix : leaf.getValue()) {
                    if (type.startsWith(prefix)) {
                        return leaf.getKey();
                    }
                }
            }
        }
        for (int i = 0; i < above; i++) {
            RecordedFrame frame = frames.get(i);
            if (frame.isJavaFrame()) {
                String type = frame.getMethod().getType().getName();
                return type.substring(type.lastIndexOf('.') + 1) + "." + frame.getMethod().getName();
            }
        }
        return "native";
    }
}
