// Copy buttons for the staff desk. The page works without this file: the text is there to select.
(function () {
  'use strict';
  if (!navigator.clipboard) return;
  document.querySelectorAll('button[data-copy]').forEach(function (button) {
    var target = document.getElementById(button.getAttribute('data-copy'));
    if (!target) return;
    button.hidden = false;
    button.addEventListener('click', function () {
      navigator.clipboard.writeText(target.textContent).then(function () {
        button.textContent = 'Copied';
      }, function () {
        button.textContent = 'Copy failed: select the text';
      });
      setTimeout(function () { button.textContent = 'Copy'; }, 4000);
    });
  });
})();
