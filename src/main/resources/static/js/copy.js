// Progressive enhancement for "Copy key": the button stays hidden without JavaScript (the key is still on the page).
document.querySelectorAll('[data-copy-target]').forEach(function (button) {
    if (!navigator.clipboard) { return; }
    button.hidden = false;
    button.addEventListener('click', function () {
        var text = document.getElementById(button.dataset.copyTarget).textContent.replace(/\s+/g, '');
        navigator.clipboard.writeText(text).then(function () { gatehouseCopied(button); });
    });
});

// Says "Copied" on the button and to screen readers (a polite live region beside it), then the label comes back.
function gatehouseCopied(button) {
    var status = button.nextElementSibling;
    if (!status || !status.classList.contains('copy-status')) {
        status = document.createElement('span');
        status.className = 'copy-status visually-hidden';
        status.setAttribute('role', 'status');
        button.insertAdjacentElement('afterend', status);
    }
    var label = button.textContent;
    button.textContent = button.dataset.copied;
    status.textContent = button.dataset.copied;
    setTimeout(function () { button.textContent = label; status.textContent = ''; }, 2000);
}
