package io.countersign.itests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.openqa.selenium.JavascriptExecutor;

/**
 * Runs axe-core (installed by itests/scripts/install-chromium.sh) in the page a browser shows, and names every
 * violation of impact serious or critical: WCAG 2.x A and AA rules and axe's best practices. WebDriver's script
 * execution is not subject to the page's Content-Security-Policy, so the page needs no change for it.
 */
final class Accessibility {

    static final String AXE_VERSION = "4.10.3";
    private static final Set<String> BLOCKING = Set.of("serious", "critical");
    private static final ObjectMapper JSON = new ObjectMapper();

    private Accessibility() {
    }

    /** The serious and critical violations on the current page, one line each; empty when there are none. */
    static List<String> seriousViolations(ChromiumBrowser browser) throws IOException {
        JavascriptExecutor page = (JavascriptExecutor) browser.driver();
        page.executeScript(Files.readString(axeScript()));
        Object result = page.executeAsyncScript("var done = arguments[arguments.length - 1];"
                + "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',"
                + " 'wcag22aa', 'best-practice']}}).then(function (r) { done(JSON.stringify(r.violations)); },"
                + " function (e) { done('error: ' + e); });");
        String text = String.valueOf(result);
        if (text.startsWith("error: ")) {
            throw new IllegalStateException("axe-core failed: " + text);
        }
        List<String> found = new ArrayList<>();
        for (JsonNode violation : JSON.readTree(text)) {
            if (BLOCKING.contains(violation.path("impact").asText())) {
                List<String> targets = new ArrayList<>();
                violation.path("nodes").forEach(node -> targets.add(node.path("target").toString()));
                found.add(violation.path("id").asText() + " (" + violation.path("impact").asText() + "): "
                        + violation.path("help").asText() + " at " + targets);
            }
        }
        return found;
    }

    private static Path axeScript() {
        String cache = System.getenv("XDG_CACHE_HOME");
        Path base = cache != null ? Path.of(cache) : Path.of(System.getProperty("user.home"), ".cache");
        Path script = base.resolve("countersign/axe-core-" + AXE_VERSION + "/axe.min.js");
        if (!Files.isRegularFile(script)) {
            throw new IllegalStateException("no " + script + ": run itests/scripts/install-chromium.sh "
                    + "(./countersign test does)");
        }
        return script;
    }
}
