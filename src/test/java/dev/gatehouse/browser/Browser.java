package dev.gatehouse.browser;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import dev.gatehouse.testsupport.Tools;

/**
 * One headless Chromium (Debian's, nothing downloaded) with a fresh profile, and the few things a test does with it:
 * open a page, type, click, wait, and take a full-page screenshot into {@code <build dir>/screenshots}. Each instance
 * is a separate browser: no cookies are shared, so a second one is "another browser" (or another person).
 */
public final class Browser implements AutoCloseable {

    static final String CHROMIUM = "/usr/bin/chromium";
    static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration POLL = Duration.ofMillis(50);

    private final String base;
    private final ChromeDriverService service;
    private final ChromeDriver driver;
    private final Path profile;
    /** The started Browser whose Chromium this one drives: itself, or the one a view was taken from. */
    private final Browser owner;
    private final OnClose onClose;
    private boolean closed;

    /** What closing a Browser does. */
    private enum OnClose {
        /** Quit its Chromium: a Browser that {@link #start} started. */
        QUIT,
        /** Nothing: a test class's view of the shared browser, which the JVM's end quits. */
        NOTHING,
        /** Hand its owner back as the spare for the next {@link #another()}. */
        HAND_BACK
    }

    private Browser(String base, ChromeDriverService service, ChromeDriver driver, Path profile, Browser owner,
            OnClose onClose) {
        this.base = base;
        this.service = service;
        this.driver = driver;
        this.profile = profile;
        this.owner = owner == null ? this : owner;
        this.onClose = onClose;
    }

    /** A view of this started Browser for the server at {@code base}. */
    private Browser view(String base, OnClose onClose) {
        return new Browser(base, service, driver, profile, this, onClose);
    }

    /** Starts a browser for the server at {@code base} (http://localhost:PORT); skips or fails when none is installed. */
    public static Browser start(String base) {
        Tools.require(CHROMIUM);
        Tools.require(CHROMEDRIVER);
        Path profile;
        try {
            profile = Files.createTempDirectory("gatehouse-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--disable-quic", "--window-size=1280,1000", "--lang=en-GB",
                // Each navigation in a new renderer process (kept for the back/forward cache, or swapped for a new
                // browsing instance) cost about a third of a page's CPU time; no test goes back in history.
                "--disable-back-forward-cache",
                "--disable-features=BackForwardCache,ProactivelySwapBrowsingInstance,RenderDocument",
                "--user-data-dir=" + profile);
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        return new Browser(base, service, driver, profile, null, OnClose.QUIT);
    }

    /** {@code browser} when its Chromium still answers, else a newly started one, quit when the JVM ends. */
    private static Browser running(Browser browser, String base) {
        if (browser != null && browser.alive()) {
            return browser;
        }
        Browser started = start(base);
        Runtime.getRuntime().addShutdownHook(new Thread(started::close));
        return started;
    }

    private static Browser shared;

    /**
     * The one Chromium of this test JVM, started on first use (a Chromium start costs seconds) and quit when the JVM
     * ends, reset to the state of a fresh one for the server at {@code base}: a new tab (so no page, history, virtual
     * authenticator or emulated media is left over) with every other one closed, no cookies and an empty cache (the
     * pages keep nothing in web storage), at 1280 × 1000. Test classes run one after another, never at once.
     */
    public static synchronized Browser shared(String base) {
        shared = running(shared, base);
        shared.reset();
        return shared.view(base, OnClose.NOTHING);
    }

    private boolean alive() {
        try {
            driver.getWindowHandles();
            return true;
        } catch (org.openqa.selenium.WebDriverException e) {
            return false;
        }
    }

    private void reset() {
        String fresh = driver.switchTo().newWindow(org.openqa.selenium.WindowType.TAB).getWindowHandle();
        for (String handle : driver.getWindowHandles()) {
            if (!handle.equals(fresh)) {
                driver.switchTo().window(handle).close();
            }
        }
        driver.switchTo().window(fresh);
        driver.executeCdpCommand("Network.clearBrowserCookies", Map.of());
        driver.executeCdpCommand("Network.clearBrowserCache", Map.of());
        driver.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 1000));
        Object cookies = driver.executeCdpCommand("Network.getAllCookies", Map.of()).get("cookies");
        if (!(cookies instanceof List<?> list) || !list.isEmpty()) {
            throw new IllegalStateException("cookies left in the shared browser: " + cookies);
        }
    }

    /** The second Chromium of this JVM, for {@link #another()}; null while one is in use. */
    private static Browser spare;

    /**
     * Another, independent browser for the same server (sign in from another computer, another person): a separate
     * Chromium, so nothing of this one's cookies or tabs is shared. Starting one costs about two seconds, so the JVM
     * keeps one spare, reset on each use to the state of a fresh one like {@link #shared}; a second one open at the
     * same time is started (and quit on close) as before.
     */
    public Browser another() {
        Browser taken;
        synchronized (Browser.class) {
            taken = spare;
            spare = null;
        }
        taken = running(taken, base);
        try {
            taken.reset();
        } catch (RuntimeException e) {
            taken.close();
            throw e;
        }
        return taken.view(base, OnClose.HAND_BACK);
    }

    public ChromeDriver driver() {
        return driver;
    }

    public String base() {
        return base;
    }

    // --- navigation ---------------------------------------------------------------------------------------------

    public Browser open(String pathOrUrl) {
        driver.get(pathOrUrl.startsWith("http") ? pathOrUrl : base + pathOrUrl);
        return this;
    }

    /** The path (and query) of the page shown, without scheme and host. */
    public String path() {
        try {
            URI uri = new URI(driver.getCurrentUrl());
            return uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits until the page shown is {@code path} (query ignored unless given). */
    public Browser waitForPath(String path) {
        try {
            waiting(WAIT).until(d -> path.contains("?") ? path().equals(path)
                    : path().split("\\?")[0].equals(path));
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("expected to be on " + path + " but was on " + path() + ": " + h1(), e);
        }
        return this;
    }

    /** Waits until the path of the page shown starts with {@code prefix}. */
    public Browser waitForPathStartingWith(String prefix) {
        try {
            waiting(WAIT).until(d -> path().startsWith(prefix));
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("expected to be on " + prefix + "... but was on " + path() + ": " + h1(), e);
        }
        return this;
    }

    // --- reading ------------------------------------------------------------------------------------------------

    public WebElement find(By by) {
        return whilePageSettles(
                () -> waiting(WAIT).until(ExpectedConditions.visibilityOfElementLocated(by)));
    }

    public WebElement byId(String id) {
        return find(By.id(id));
    }

    public List<WebElement> all(By by) {
        return driver.findElements(by);
    }

    public boolean present(By by) {
        return !driver.findElements(by).isEmpty();
    }

    public String h1() {
        List<WebElement> h1 = driver.findElements(By.tagName("h1"));
        return h1.isEmpty() ? "(no h1)" : h1.get(0).getText();
    }

    /** The visible text of the main part of the page. */
    public String mainText() {
        return whilePageSettles(() -> find(By.tagName("main")).getText());
    }

    /** The visible text of the main part of the page, without waiting; "" when there is none. */
    public String mainTextOrEmpty() {
        List<WebElement> main = driver.findElements(By.tagName("main"));
        return main.isEmpty() ? "" : main.get(0).getText();
    }

    /**
     * The text of the page's flash notice (what the last change did), else of its first notice (success, warning or
     * error box), or "" if none. A flash is shown in the section the page opens at, which may come after other notices.
     */
    public String notice() {
        // A click returns before the next page has loaded: give the notice a moment to appear.
        try {
            waiting(Duration.ofSeconds(5))
                    .until(d -> !d.findElements(By.cssSelector(".notice")).isEmpty());
        } catch (org.openqa.selenium.TimeoutException none) {
            return "";
        }
        return whilePageSettles(() -> {
            List<WebElement> flashes = driver.findElements(By.cssSelector(".notice[data-flash]"));
            List<WebElement> notices = flashes.isEmpty() ? driver.findElements(By.cssSelector(".notice")) : flashes;
            return notices.isEmpty() ? "" : notices.get(0).getText();
        });
    }

    // --- acting -------------------------------------------------------------------------------------------------

    /**
     * Replaces what the field with this id (or name) holds by {@code text}, entered the way a keyboard's input method
     * or a paste enters it: the field is focused, its content selected, and Chromium's own text input inserts the
     * text (so {@code maxlength}, {@code input} events and the form's validity behave as for typing). No key events
     * are sent: no page here listens for keys. WebDriver's key by key typing cost about ten times as much (a clear and
     * a key press each a round trip through the browser), the largest part of a browser test's time.
     */
    public Browser type(String idOrName, String text) {
        // The field may belong to a page that is just being replaced by the next one (a click returns before the
        // next page loads): then find it again on the new page.
        return whilePageSettles(() -> {
            List<WebElement> byId = driver.findElements(By.id(idOrName));
            WebElement field = byId.isEmpty() ? find(By.name(idOrName)) : byId.get(0);
            Object refused = script("""
                    const e = arguments[0], tag = e.tagName.toLowerCase();
                    if (tag !== 'input' && tag !== 'textarea') return 'is a ' + tag + ', not a text field';
                    if (tag === 'input' && !['text', 'email', 'password', 'tel', 'search', 'url', 'number']
                            .includes(e.type)) return 'is an input of type ' + e.type + ', not a text field';
                    if (e.matches(':disabled') || e.readOnly) return 'cannot be typed into (disabled or read-only)';
                    if (e.getClientRects().length === 0) return 'is not shown';
                    e.focus();
                    if (document.activeElement !== e) return 'does not take the focus';
                    e.select();
                    return null;""", field);
            if (refused != null) {
                throw new AssertionError("#" + idOrName + " " + refused);
            }
            if (text.isEmpty()) {
                field.clear();
            } else {
                driver.executeCdpCommand("Input.insertText", Map.of("text", text));
                // The text goes where the focus is: a field replaced meanwhile is stale here (and looked for again).
                if (!Boolean.TRUE.equals(script("return arguments[0] === document.activeElement", field))) {
                    throw new AssertionError("#" + idOrName + " lost the focus while the text was entered");
                }
            }
            return this;
        });
    }

    /**
     * Runs {@code action} again (up to five times) when the element it used belonged to a page that was being
     * replaced. Chromium reports that either as a stale element or, while the new document is being attached, as an
     * "unknown error: Node with given id does not belong to the document"; both mean "look again", never a bug.
     */
    private <T> T whilePageSettles(java.util.function.Supplier<T> action) {
        for (int attempt = 1; ; attempt++) {
            try {
                return action.get();
            } catch (org.openqa.selenium.WebDriverException e) {
                if (!pageWasBeingReplaced(e) || attempt == 5) {
                    throw e;
                }
                sleep(200);
            }
        }
    }

    static boolean pageWasBeingReplaced(org.openqa.selenium.WebDriverException e) {
        if (e instanceof org.openqa.selenium.StaleElementReferenceException) {
            return true;
        }
        String message = String.valueOf(e.getMessage());
        return message.contains("does not belong to the document")
                || message.contains("Cannot find context with specified id")
                || message.contains("Execution context was destroyed");
    }

    private void waitUntilLoaded() {
        try {
            waiting(WAIT).ignoring(org.openqa.selenium.WebDriverException.class)
                    .until(d -> "complete".equals(((JavascriptExecutor) d).executeScript("return document.readyState")));
        } catch (org.openqa.selenium.TimeoutException slow) {
            // what follows waits for its own element and reports what it did not find
        }
    }

    /**
     * A wait that looks every 50 ms (Selenium's default is every 500 ms, which a test pays after most clicks: the next
     * page is usually there within a few milliseconds).
     */
    private WebDriverWait waiting(Duration timeout) {
        WebDriverWait wait = new WebDriverWait(driver, timeout);
        wait.pollingEvery(POLL);
        return wait;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Browser click(String id) {
        return click(By.id(id));
    }

    public Browser click(By by) {
        // Finding, inspecting and clicking are retried while a page is being replaced: Chromium then refuses the
        // click before it reaches the page, so it never happens twice.
        Clicked clicked = whilePageSettles(() -> {
            Clicked found = clickable(by);
            found.element().click();
            return found;
        });
        if (clicked.navigates()) {
            // Wait until the next page has replaced this one, so what follows reads the new page.
            try {
                waiting(WAIT).until(d -> isGone(clicked.element()));
            } catch (org.openqa.selenium.TimeoutException stayed) {
                // A link to the same page fragment, or a download: the page stays.
            }
            waitUntilLoaded();
        }
        return this;
    }

    /**
     * Clicks a submit button of a form the browser itself refuses to send (a required field left empty), so no next
     * page is awaited; fails when the form is valid, which the browser would send.
     */
    public Browser clickRefusedByTheBrowser(String id) {
        WebElement button = waiting(WAIT).until(ExpectedConditions.elementToBeClickable(By.id(id)));
        if (!Boolean.TRUE.equals(script("return !arguments[0].form.checkValidity()", button))) {
            throw new AssertionError("the form of #" + id + " is valid: the browser would send it");
        }
        button.click();
        return this;
    }

    /**
     * Whether the element's page has been replaced. Selenium's {@code stalenessOf} expects a stale-element error, but
     * Chromium answers "Node with given id does not belong to the document" while the new document is attached.
     */
    private static boolean isGone(WebElement element) {
        try {
            element.isEnabled();
            return false;
        } catch (org.openqa.selenium.WebDriverException e) {
            if (pageWasBeingReplaced(e)) {
                return true;
            }
            throw e;
        }
    }

    private record Clicked(WebElement element, boolean navigates) {
    }

    /**
     * Waits until {@code by} finds an element that is shown and enabled, and tells whether clicking it sends the
     * browser to the next page (a link with an href, a submit button, a button's type being "submit" unless it says
     * otherwise, or a submit input). Two round trips a look (find, then one script), where Selenium's
     * "element to be clickable" took three, and reading the tag and attributes three more.
     */
    private Clicked clickable(By by) {
        try {
            return waiting(WAIT).until(d -> {
                List<WebElement> found = driver.findElements(by);
                if (found.isEmpty()) {
                    return null;
                }
                // null while not shown or disabled, else whether the click navigates
                Object navigates = script("""
                        const e = arguments[0], tag = e.tagName.toLowerCase();
                        if (!e.checkVisibility({opacityProperty: true, visibilityProperty: true}) || e.matches(':disabled')) {
                            return null;
                        }
                        return (tag === 'a' && e.hasAttribute('href'))
                            || (tag === 'button' && e.type === 'submit')
                            || (tag === 'input' && e.type === 'submit');""", found.get(0));
                return navigates == null ? null : new Clicked(found.get(0), Boolean.TRUE.equals(navigates));
            });
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("nothing to click at " + by + " (shown and enabled) on " + path() + ": " + h1(), e);
        }
    }

    /** Clicks the link or button whose visible text is exactly {@code text}. */
    public Browser clickText(String text) {
        return click(By.xpath("//a[normalize-space()='" + text + "'] | //button[normalize-space()='" + text + "']"));
    }

    /** Runs {@code action} with the window at the given size (a phone, say), then restores 1280 × 1000. */
    public Browser atWindowSize(int width, int height, Runnable action) {
        driver.manage().window().setSize(new org.openqa.selenium.Dimension(width, height));
        try {
            action.run();
        } finally {
            driver.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 1000));
        }
        return this;
    }

    /**
     * Asserts that the elements with these ids end within the window's width: on the screen, not past its edge (a
     * table wider than its card scrolls inside it, and what is past the edge is out of sight).
     */
    public Browser assertWithinWidth(String... ids) {
        double width = ((Number) script("return document.documentElement.clientWidth;")).doubleValue();
        for (String id : ids) {
            org.assertj.core.api.Assertions.assertThat(byId(id).isDisplayed()).as("#%s shown", id).isTrue();
            double right = ((Number) script("return arguments[0].getBoundingClientRect().right;", byId(id)))
                    .doubleValue();
            org.assertj.core.api.Assertions.assertThat(right).as("right edge of #%s at %s px", id, width)
                    .isLessThanOrEqualTo(width);
        }
        return this;
    }

    public Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }

    // --- screenshots --------------------------------------------------------------------------------------------

    /** Saves the whole page, beyond the window, as {@code <build dir>/screenshots/<name>.png}; returns the file. */
    public Path screenshot(String name) {
        byte[] png = fullPagePng();
        Path file = screenshotDir().resolve(name + ".png");
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, png);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /**
     * Cuts one element out of a screenshot of the window (its CSS rectangle times the device pixel ratio, measured in
     * the same layout the picture is taken in) and saves it with a white margin, as a scanner would see it on the
     * screen. Returns the file.
     */
    public Path screenshotOf(WebElement element, String name) {
        @SuppressWarnings("unchecked")
        Map<String, Object> rect = (Map<String, Object>) script("""
                arguments[0].scrollIntoView({block: 'center'});
                const r = arguments[0].getBoundingClientRect();
                return {x: r.left, y: r.top, w: r.width, h: r.height, dpr: window.devicePixelRatio};""", element);
        double dpr = num(rect.get("dpr"));
        try {
            BufferedImage window = ImageIO.read(new ByteArrayInputStream(
                    driver.getScreenshotAs(org.openqa.selenium.OutputType.BYTES)));
            int x = Math.max(0, (int) Math.floor(num(rect.get("x")) * dpr));
            int y = Math.max(0, (int) Math.floor(num(rect.get("y")) * dpr));
            int w = Math.min((int) Math.ceil(num(rect.get("w")) * dpr), window.getWidth() - x);
            int h = Math.min((int) Math.ceil(num(rect.get("h")) * dpr), window.getHeight() - y);
            int margin = 24;
            BufferedImage out = new BufferedImage(w + 2 * margin, h + 2 * margin, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = out.createGraphics();
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, out.getWidth(), out.getHeight());
            g.drawImage(window.getSubimage(x, y, w, h), margin, margin, null);
            g.dispose();
            Path file = screenshotDir().resolve(name + ".png");
            Files.createDirectories(file.getParent());
            ImageIO.write(out, "png", file.toFile());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private byte[] fullPagePng() {
        Map<String, Object> metrics = driver.executeCdpCommand("Page.getLayoutMetrics", Map.of());
        @SuppressWarnings("unchecked")
        Map<String, Object> size = (Map<String, Object>) metrics.get("cssContentSize");
        @SuppressWarnings("unchecked")
        Map<String, Object> window = (Map<String, Object>) script(
                "return {width: window.innerWidth, height: window.innerHeight}");
        // Capturing beyond the viewport lays the page out without a scroll bar, so at the window's full width. A page
        // that fits in the window is cut out of the window as it is: the same picture, at half the cost.
        double width = Math.max(num(size.get("width")), num(window.get("width")));
        double height = num(size.get("height"));
        boolean fits = height <= num(window.get("height")) && width <= num(window.get("width"));
        Map<String, Object> clip = Map.of("x", 0, "y", 0, "width", Math.ceil(width), "height", Math.ceil(height),
                "scale", 1);
        Map<String, Object> shot = driver.executeCdpCommand("Page.captureScreenshot",
                Map.of("format", "png", "captureBeyondViewport", !fits, "clip", clip, "optimizeForSpeed", true));
        return Base64.getDecoder().decode((String) shot.get("data"));
    }

    /** {@code <build dir>/screenshots}, the build dir being the parent of the folder these test classes are in. */
    static Path screenshotDir() {
        try {
            Path classes = Path.of(Browser.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isDirectory(classes) && classes.getParent() != null) {
                return classes.getParent().resolve("screenshots");
            }
        } catch (URISyntaxException | RuntimeException e) {
            // fall through to the default
        }
        return Path.of("target", "screenshots");
    }

    private static double num(Object value) {
        return ((Number) value).doubleValue();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (onClose == OnClose.HAND_BACK) {
            synchronized (Browser.class) {
                if (spare == null) {
                    spare = owner;
                    return;
                }
            }
            owner.close(); // a second one open at the same time: quit (its shutdown hook then finds it closed)
            return;
        }
        if (onClose == OnClose.NOTHING) {
            return;
        }
        try {
            driver.quit();
        } catch (org.openqa.selenium.WebDriverException alreadyQuit) {
            // quit before, by its close or by the JVM's end
        } finally {
            service.stop();
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            } catch (IOException | UncheckedIOException e) {
                // a leftover temporary profile is harmless
            }
        }
    }
}
