package io.countersign.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.client.Action;
import java.net.URI;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What {@code countersign run} was asked to do, from its flags and the environment. */
record RunOptions(URI url, String agentKey, Action action, String justification, String occurrence,
                  Duration timeout, Progress.Mode progress, List<String> command) {

    static final String USAGE = """
            usage: countersign run --action NAME --resource RESOURCE --env ENVIRONMENT [--param NAME=VALUE]...
                                   [--on-behalf-of HUMAN]... --justification TEXT [--occurrence ID]
                                   [--timeout DURATION] [--url URL] [--progress auto|tty|plain] -- COMMAND [ARG]...
              Asks Countersign before running COMMAND; runs it only once approved, exactly once per approval, and
              reports its exit code, duration and the SHA-256 of its standard output.
              --url            Countersign's base URL (COUNTERSIGN_URL, default http://127.0.0.1:8181)
              agent key        COUNTERSIGN_AGENT_KEY (never a flag: flags show in the process list)
              --occurrence     what makes this run a distinct request (default: the CI run, from GITHUB_RUN_ID or
                               CI_PIPELINE_ID and the job; COUNTERSIGN_OCCURRENCE); the same arguments and occurrence
                               find the same request again
              --timeout        how long to wait for reviewers, e.g. 30m, 2h (default: until the request's deadline)
            exit status: the command's; 64 usage, 65 denied, 66 expired, 67 still pending at --timeout, 68 grant
              already consumed by an earlier run, 69 Countersign unavailable, 70 refused, 71 consumption outcome
              unknown (not run), 72 command succeeded but its execution was not reported, 127 command not started
            """;

    static RunOptions parse(List<String> args, Map<String, String> env) throws UsageException {
        String url = env.getOrDefault("COUNTERSIGN_URL", "http://127.0.0.1:8181");
        String actionName = null;
        String resource = null;
        String environment = null;
        String justification = null;
        String occurrence = env.getOrDefault("COUNTERSIGN_OCCURRENCE", ciOccurrence(env));
        Duration timeout = null;
        Progress.Mode progress = Progress.Mode.AUTO;
        ObjectNode parameters = JsonNodeFactory.instance.objectNode();
        List<String> onBehalfOf = new ArrayList<>();
        int i = 0;
        for (; i < args.size(); i++) {
            String flag = args.get(i);
            if (flag.equals("--")) {
                i++;
                break;
            }
            String value = flag.contains("=") && flag.startsWith("--") ? flag.substring(flag.indexOf('=') + 1) : null;
            String name = value != null ? flag.substring(0, flag.indexOf('=')) : flag;
            if (value == null) {
                if (i + 1 >= args.size()) {
                    throw new UsageException(name + " needs a value");
                }
                value = args.get(++i);
            }
            switch (name) {
                case "--url" -> url = value;
                case "--action" -> actionName = value;
                case "--resource" -> resource = value;
                case "--env", "--environment" -> environment = value;
                case "--param" -> Parameters.put(parameters, value);
                case "--on-behalf-of" -> onBehalfOf.add(value);
                case "--justification" -> justification = value;
                case "--occurrence" -> occurrence = value;
                case "--timeout" -> timeout = duration(value);
                case "--progress" -> progress = progressMode(value);
                default -> throw new UsageException("unknown option " + name);
            }
        }
        List<String> command = List.copyOf(args.subList(Math.min(i, args.size()), args.size()));
        require(actionName, "--action");
        require(resource, "--resource");
        require(environment, "--env");
        require(justification, "--justification");
        if (command.isEmpty()) {
            throw new UsageException("the command to run goes after --");
        }
        String agentKey = env.get("COUNTERSIGN_AGENT_KEY");
        if (agentKey == null || agentKey.isBlank()) {
            throw new UsageException("COUNTERSIGN_AGENT_KEY is not set: the agent API key this pipeline asks with");
        }
        URI base;
        try {
            base = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new UsageException("not a URL: " + url);
        }
        if (!"http".equals(base.getScheme()) && !"https".equals(base.getScheme())) {
            throw new UsageException("COUNTERSIGN_URL / --url must be http:// or https://, got " + url);
        }
        return new RunOptions(base, agentKey.trim(), new Action(actionName, resource, environment, parameters,
                onBehalfOf), justification, occurrence, timeout, progress, command);
    }

    /**
     * The CI run this step belongs to, the same when a job is retried (GitHub's run attempt and GitLab's job id
     * are left out on purpose: a retried job must find the request, and the grant, of the attempt before it).
     */
    static String ciOccurrence(Map<String, String> env) {
        if (env.containsKey("GITHUB_RUN_ID")) {
            return "github:" + env.getOrDefault("GITHUB_REPOSITORY", "") + "/" + env.get("GITHUB_RUN_ID") + "/"
                    + env.getOrDefault("GITHUB_JOB", "");
        }
        if (env.containsKey("CI_PIPELINE_ID")) {
            return "gitlab:" + env.getOrDefault("CI_PROJECT_PATH", "") + "/" + env.get("CI_PIPELINE_ID") + "/"
                    + env.getOrDefault("CI_JOB_NAME", "");
        }
        return null;
    }

    private static void require(String value, String flag) throws UsageException {
        if (value == null || value.isBlank()) {
            throw new UsageException(flag + " is required");
        }
    }

    /** {@code 90s}, {@code 30m}, {@code 2h} or ISO-8601 ({@code PT30M}). */
    static Duration duration(String text) throws UsageException {
        try {
            if (text.matches("\\d+[smh]")) {
                long amount = Long.parseLong(text.substring(0, text.length() - 1));
                return switch (text.charAt(text.length() - 1)) {
                    case 's' -> Duration.ofSeconds(amount);
                    case 'm' -> Duration.ofMinutes(amount);
                    default -> Duration.ofHours(amount);
                };
            }
            return Duration.parse(text.toUpperCase(Locale.ROOT));
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new UsageException("not a duration: " + text + " (use 90s, 30m, 2h or PT30M)");
        }
    }

    private static Progress.Mode progressMode(String value) throws UsageException {
        try {
            return Progress.Mode.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--progress is auto, tty or plain, not " + value);
        }
    }
}
