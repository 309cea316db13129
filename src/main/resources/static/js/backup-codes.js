// Progressive enhancement for the backup codes page: "Print" and "Copy" appear only where they can work. Without
// JavaScript the codes are on the page and in the two downloads.
(function () {
    var codes = function () {
        return Array.prototype.map.call(document.querySelectorAll('#codes code'), function (c) {
            return c.textContent.trim();
        }).join('\n');
    };
    var print = document.getElementById('print-codes');
    if (print && window.print) {
        print.hidden = false;
        print.addEventListener('click', function () { window.print(); });
    }
    var copy = document.getElementById('copy-codes');
    if (copy && navigator.clipboard) {
        copy.hidden = false;
        copy.addEventListener('click', function () {
            navigator.clipboard.writeText(codes() + '\n').then(function () { gatehouseCopied(copy); });
        });
    }
})();
