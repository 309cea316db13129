// Tells the server the browser's time zone (an IANA id such as Europe/London) through the hidden timeZone field of
// the sign-in and sign-up forms, so times are shown in it. Without JavaScript the field stays empty: times are in UTC
// until the user chooses a zone on User details. The server accepts only a known zone id and ignores anything else.
document.querySelectorAll('input[type="hidden"][name="timeZone"]').forEach(function (field) {
    try {
        field.value = Intl.DateTimeFormat().resolvedOptions().timeZone || '';
    } catch (e) {
        field.value = '';
    }
});
