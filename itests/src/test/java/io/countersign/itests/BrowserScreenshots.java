package io.countersign.itests;

import java.util.ArrayList;
import java.util.List;
import org.junit.rules.TestWatcher;
import org.junit.runner.Description;

/**
 * Keeps the browsers a test opens; when the test fails, writes what each of its tabs shows under
 * {@code itests/target/browser-screenshots/}, then closes them all.
 */
final class BrowserScreenshots extends TestWatcher {

    private final List<ChromiumBrowser> browsers = new ArrayList<>();

    ChromiumBrowser keep(ChromiumBrowser browser) {
        browsers.add(browser);
        return browser;
    }

    @Override
    protected void failed(Throwable failure, Description test) {
        for (int i = 0; i < browsers.size(); i++) {
            ChromiumBrowser browser = browsers.get(i);
            try {
                for (String tab : browser.driver().getWindowHandles()) {
                    browser.switchTo(tab);
                    System.err.println("screenshot: " + browser.screenshot("FAILED-" + test.getMethodName()
                            + "-browser" + i + "-" + tab));
                }
            } catch (Exception e) {
                System.err.println("no screenshot of browser " + i + ": " + e);
            }
        }
    }

    @Override
    protected void finished(Description test) {
        browsers.forEach(ChromiumBrowser::close);
        browsers.clear();
    }
}
