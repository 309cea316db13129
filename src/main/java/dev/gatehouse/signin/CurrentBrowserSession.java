package dev.gatehouse.signin;

import java.util.Optional;

/**
 * The {@link BrowserSession} of the request being served on this thread, for code that runs on behalf of a request
 * without being handed one (an event listener after a commit). Empty off a request thread.
 */
public interface CurrentBrowserSession {

    Optional<BrowserSession> get();
}
