// Web Authentication: the one thing in the product that needs script. A form marked data-webauthn="create" or "get"
// carries the server's options (Yubico's JSON for navigator.credentials) in data-webauthn-options. When the form is
// submitted, the browser runs the ceremony; the answer, base64url-encoded as JSON, goes into the hidden "credential"
// field and the form is posted as usual (with its CSRF token), so the server's page says what happened. When the
// browser refuses (cancelled, timed out, unsupported), the error's name goes into the hidden "error" field instead and
// the form is posted all the same: every message comes from the server.
(function () {
    'use strict';

    function decode(value) {
        var base64 = value.replace(/-/g, '+').replace(/_/g, '/');
        while (base64.length % 4) { base64 += '='; }
        var binary = atob(base64);
        var bytes = new Uint8Array(binary.length);
        for (var i = 0; i < binary.length; i++) { bytes[i] = binary.charCodeAt(i); }
        return bytes.buffer;
    }

    function encode(buffer) {
        var bytes = new Uint8Array(buffer);
        var binary = '';
        for (var i = 0; i < bytes.length; i++) { binary += String.fromCharCode(bytes[i]); }
        return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    }

    function descriptors(list) {
        return (list || []).map(function (c) {
            var copy = Object.assign({}, c);
            copy.id = decode(c.id);
            return copy;
        });
    }

    function creationOptions(json) {
        var o = JSON.parse(json).publicKey;
        o.challenge = decode(o.challenge);
        o.user.id = decode(o.user.id);
        o.excludeCredentials = descriptors(o.excludeCredentials);
        return o;
    }

    function requestOptions(json) {
        var o = JSON.parse(json).publicKey;
        o.challenge = decode(o.challenge);
        o.allowCredentials = descriptors(o.allowCredentials);
        return o;
    }

    // The shape Yubico's PublicKeyCredential.parseRegistrationResponseJson / parseAssertionResponseJson reads.
    function toJson(credential) {
        var r = credential.response;
        var out = {
            type: credential.type,
            id: credential.id,
            rawId: encode(credential.rawId),
            response: { clientDataJSON: encode(r.clientDataJSON) },
            clientExtensionResults: credential.getClientExtensionResults ? credential.getClientExtensionResults() : {}
        };
        if (credential.authenticatorAttachment) { out.authenticatorAttachment = credential.authenticatorAttachment; }
        if (r.attestationObject) {
            out.response.attestationObject = encode(r.attestationObject);
            if (r.getTransports) { out.response.transports = r.getTransports(); }
        } else {
            out.response.authenticatorData = encode(r.authenticatorData);
            out.response.signature = encode(r.signature);
            if (r.userHandle) { out.response.userHandle = encode(r.userHandle); }
        }
        return JSON.stringify(out);
    }

    document.querySelectorAll('form[data-webauthn]').forEach(function (form) {
        var working = form.querySelector('[data-webauthn-working]');
        // Back to this page from the browser's history: ready again, not stuck "waiting for your key".
        window.addEventListener('pageshow', function (event) {
            if (!event.persisted) { return; }
            form.querySelectorAll('button').forEach(function (b) { b.disabled = false; });
            if (working) { working.hidden = true; }
        });
        form.addEventListener('submit', function (event) {
            event.preventDefault();
            var buttons = form.querySelectorAll('button');
            buttons.forEach(function (b) { b.disabled = true; });
            if (working) { working.hidden = false; }
            var post = function (field, value) {
                form.querySelector('input[name="' + field + '"]').value = value;
                form.submit();
            };
            if (!window.PublicKeyCredential || !navigator.credentials) {
                post('error', 'NotSupportedError');
                return;
            }
            var ceremony;
            try {
                var options = form.dataset.webauthnOptions;
                ceremony = form.dataset.webauthn === 'create'
                    ? navigator.credentials.create({ publicKey: creationOptions(options) })
                    : navigator.credentials.get({ publicKey: requestOptions(options) });
            } catch (e) {
                post('error', (e && e.name) || 'Error');
                return;
            }
            ceremony.then(function (credential) {
                post('credential', toJson(credential));
            }, function (e) {
                post('error', (e && e.name) || 'Error');
            });
        });
    });
})();
