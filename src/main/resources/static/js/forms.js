// Every page: a form goes once per click. A second click (or Enter) while the first is on its way is ignored, so that
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
