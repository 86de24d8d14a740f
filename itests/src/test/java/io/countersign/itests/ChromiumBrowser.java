package io.countersign.itests;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's chromium, headless, driven through its own chromedriver (both installed by
 * {@code itests/scripts/install-chromium.sh}); Selenium downloads nothing. One instance is one browser profile: its
 * tabs share cookies, as a reviewer's browser does.
 */
final class ChromiumBrowser implements AutoCloseable {

    static final Path SCREENSHOTS = Path.of("target", "browser-screenshots").toAbsolutePath();

    private static final String CHROMIUM = System.getProperty("countersign.chromium", "/usr/bin/chromium");
    private static final String CHROMEDRIVER = System.getProperty("countersign.chromedriver", "/usr/bin/chromedriver");

    private final ChromeDriver driver;

    private ChromiumBrowser(ChromeDriver driver) {
        this.driver = driver;
    }

    static ChromiumBrowser desktop() {
        return start(1280, 900);
    }

    /** A phone's viewport (CSS pixels) with touch and a device scale, as Chromium's device emulation makes it. */
    static ChromiumBrowser phone(int width, int height) {
        ChromiumBrowser browser = start(width, height);
        browser.driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", width,
                "height", height, "deviceScaleFactor", 3, "mobile", true));
        return browser;
    }

    private static ChromiumBrowser start(int width, int height) {
        if (!new File(CHROMIUM).canExecute() || !new File(CHROMEDRIVER).canExecute()) {
            throw new IllegalStateException("no " + CHROMIUM + " or " + CHROMEDRIVER
                    + ": run itests/scripts/install-chromium.sh (./countersign test does)");
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        // --no-sandbox: the tests run as root on CI, where Chromium's sandbox refuses to start
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=" + width + "," + height, "--lang=en-US");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER)).build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        return new ChromiumBrowser(driver);
    }

    void open(URI link) {
        driver.get(link.toString());
    }

    /** Opens a link in a new tab of this browser and switches to it; returns the tab's handle. */
    String openInNewTab(URI link) {
        driver.switchTo().newWindow(WindowType.TAB);
        open(link);
        return driver.getWindowHandle();
    }

    void switchTo(String tab) {
        driver.switchTo().window(tab);
    }

    String tab() {
        return driver.getWindowHandle();
    }

    /** Types into a field and clicks a button, as a person does; waits for the answer page. */
    void typeAndClick(By field, String text, By button) {
        driver.findElement(field).sendKeys(text);
        click(button);
    }

    void click(By button) {
        WebElement element = driver.findElement(button);
        String before = driver.getCurrentUrl() + "|" + heading();
        element.click();
        awaitPage(before);
    }

    String heading() {
        return driver.findElements(By.tagName("h1")).stream().findFirst().map(WebElement::getText).orElse("");
    }

    String text() {
        return driver.findElement(By.tagName("body")).getText();
    }

    boolean has(By element) {
        return !driver.findElements(element).isEmpty();
    }

    /** How many CSS pixels the page is wider than the viewport (0 when nothing scrolls sideways). */
    long horizontalOverflow() {
        Object overflow = driver.executeScript(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
        return ((Number) overflow).longValue();
    }

    Path screenshot(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        Path file = SCREENSHOTS.resolve(name.replaceAll("[^A-Za-z0-9._-]", "_") + ".png");
        Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
        return file;
    }

    WebDriver driver() {
        return driver;
    }

    private void awaitPage(String before) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (!(driver.getCurrentUrl() + "|" + heading()).equals(before)
                        && "complete".equals(driver.executeScript("return document.readyState"))) {
                    return;
                }
            } catch (org.openqa.selenium.StaleElementReferenceException e) {
                // the page is being replaced
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new AssertionError("no new page after the click; still: " + heading());
    }

    @Override
    public void close() {
        driver.quit();
    }
}
