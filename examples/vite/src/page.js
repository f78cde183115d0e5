// The page: registers the worker vite-plugin-pwa wrote, and starts and
// watches the download with workbox-background-fetch-window.
import {backgroundFetchManager} from 'workbox-background-fetch-window';

const status = document.querySelector('#status');
const show = (text) => {
  status.textContent = text;
};

const manager = await backgroundFetchManager({queue: 'downloads', serviceWorker: '/sw.js'});

async function watch(registration) {
  const update = () => {
    if (registration.downloadTotal) {
      document.querySelector('progress').value =
        registration.downloaded / registration.downloadTotal;
    }
    if (registration.result === 'success') {
      show('saved for offline');
      document.querySelector('video').src = '/media/talk-1.mp4'; // served from the cache
    } else if (registration.result === 'failure') {
      show(`failed: ${registration.failureReason}`);
    } else {
      show(`${registration.downloaded} bytes`);
    }
  };
  registration.addEventListener('progress', update);
  update();
}

document.querySelector('#download').addEventListener('click', async () => {
  try {
    watch(await manager.fetch('talk-1', ['/media/talk-1.mp4'], {title: 'Talk 1'}));
  } catch (error) {
    show(`could not start: ${error.message}`);
  }
});

// A download started before this page loaded (or in another tab).
const running = await manager.get('talk-1');
if (running) {
  watch(running);
}
show(running ? status.textContent : 'ready');
document.documentElement.dataset.ready = 'true';
