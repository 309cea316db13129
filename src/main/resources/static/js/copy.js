// Progressive enhancement for "Copy key": the button stays hidden without JavaScript (the key is still on the page).
document.querySelectorAll('[data-copy-target]').forEach(function (button) {
    if (!navigator.clipboard) { return; }
    button.hidden = false;
    button.addEventListener('click', function () {
        var text = document.getElementById(button.dataset.copyTarget).textContent.replace(/\s+/g, '');
        navigator.clipboard.writeText(text).then(function () {
            var label = button.textContent;
            button.textContent = button.dataset.copied;
            setTimeout(function () { button.textContent = label; }, 2000);
        });
    });
});
