// Every page. (1) What a change did is said where the page opens: after a change in one section of a long page (the
// primary method, a security key, a session), the page opens at that section (#preferences, ...), so the notice at
// its top was out of sight (found by a first-time walk-through); it is moved into that section, under its heading.
// Without JavaScript it stays at the top of the page.
// Only into a section of the page's main content, whatever a link's fragment names: not into the top bar's
// menus, and a malformed fragment leaves the notice where it is (found by an outside re-attack in stop 32).
(function () {
    var flashes = document.querySelectorAll('[data-flash]');
    if (flashes.length === 0 || location.hash.length < 2) {
        return;
    }
    var target;
    try {
        target = document.getElementById(decodeURIComponent(location.hash.substring(1)));
    } catch (malformed) {
        return;
    }
    if (!target || !target.closest('main') || !/^(SECTION|DIV)$/.test(target.tagName)
            || target.contains(flashes[0])) {
        return;
    }
    var heading = target.querySelector('h2, h3');
    var after = heading && heading.closest('.section-head') ? heading.closest('.section-head') : heading;
    Array.prototype.slice.call(flashes).reverse().forEach(function (flash) {
        if (after) {
            after.insertAdjacentElement('afterend', flash);
        } else {
            target.insertBefore(flash, target.firstChild);
        }
    });
})();
// (2) A form goes once per click. A second click (or Enter) while the first is on its way is ignored, so that
// a double click on "Verify" does not send the code twice, the second copy finding the sign-in already done by the
// first ("This form has expired") and the code spent. The form may go again after a few seconds (a download leaves
// the page in place; a slow answer may be tried again) and after the browser's Back button. Without JavaScript a
// form works as before. A form whose own script stops its sending (a WebAuthn ceremony) is left to that script.
(function () {
    var SENDING = 'data-sending';
    document.addEventListener('submit', function (event) {
        var form = event.target;
        if (event.defaultPrevented || !(form instanceof HTMLFormElement)) {
            return;
        }
        if (form.hasAttribute(SENDING)) {
            event.preventDefault();
            return;
        }
        form.setAttribute(SENDING, '');
        setTimeout(function () {
            form.removeAttribute(SENDING);
        }, 4000);
    });
    window.addEventListener('pageshow', function () {
        document.querySelectorAll('form[' + SENDING + ']').forEach(function (form) {
            form.removeAttribute(SENDING);
        });
    });
})();
