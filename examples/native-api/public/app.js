// Written against the native Background Fetch API only, as the articles
// show it (developer.chrome.com/blog/background-fetch). The polyfill line
// is in index.html.
const button = document.querySelector('#download');
const progress = document.querySelector('#progress');
const status = document.querySelector('#status');

function show(text) {
  status.textContent = text;
  document.documentElement.dataset.status = text;
}

async function startDownload() {
  const swReg = await navigator.serviceWorker.ready;
  const bgFetch = await swReg.backgroundFetch.fetch('episode-5', ['/media/episode-5.mp3'], {
    title: 'Episode 5: Interesting things',
    icons: [{sizes: '96x96', src: '/icon.svg', type: 'image/svg+xml'}],
    downloadTotal: Number(button.dataset.size) || 0,
  });
  show('Downloading…');
  bgFetch.addEventListener('progress', () => {
    if (bgFetch.downloadTotal) {
      progress.value = bgFetch.downloaded / bgFetch.downloadTotal;
    }
    if (bgFetch.result === 'success') {
      show('Downloaded');
    } else if (bgFetch.result === 'failure') {
      show(`Failed: ${bgFetch.failureReason}`);
    }
  });
}

button.addEventListener('click', () => {
  button.disabled = true;
  startDownload().catch((error) => show(`Could not start: ${error.name}: ${error.message}`));
});

(async () => {
  if (!('BackgroundFetchManager' in self)) {
    show('Background Fetch is not supported here.');
    return;
  }
  await navigator.serviceWorker.register('/sw.js');
  await navigator.serviceWorker.ready;
  const head = await fetch('/media/episode-5.mp3', {method: 'HEAD'});
  button.dataset.size = head.headers.get('Content-Length') ?? '';
  button.disabled = false;
  show('Ready');
})();
