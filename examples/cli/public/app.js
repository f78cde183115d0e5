// A plain script (no bundler): the page library is the global
// workbox.backgroundFetchWindow, loaded by the <script> before this one.
(async () => {
  await navigator.serviceWorker.register('/sw.js');
  const manager = await workbox.backgroundFetchWindow.backgroundFetchManager({queue: 'downloads'});
  document.getElementById('engine').textContent = manager.native
    ? 'Native Background Fetch (the browser downloads, even with this tab closed).'
    : 'No Background Fetch here: the service worker downloads in resumable chunks.';

  const mb = (n) => `${(n / 1e6).toFixed(1)} MB`;

  for (const item of document.querySelectorAll('#tracks li')) {
    const {id, url} = item.dataset;
    const size = Number(item.dataset.size);
    const progress = item.querySelector('progress');
    const status = item.querySelector('.status');
    const audio = item.querySelector('audio');

    const showDone = async () => {
      // The generated worker's CacheFirst route for /media/ uses the 'media' cache.
      if (await caches.match(url, {cacheName: 'media'})) {
        item.dataset.state = 'done';
        progress.value = 1;
        status.textContent = 'saved for offline';
        audio.src = url;
      }
    };

    const track = (registration) => {
      item.dataset.state = 'downloading';
      const update = () => {
        progress.value = registration.downloaded / (registration.downloadTotal || size);
        status.textContent = `${mb(registration.downloaded)} of ${mb(size)} · ${registration.backend}`;
        if (registration.result === 'success') showDone();
        else if (registration.result === 'failure') {
          item.dataset.state = 'idle';
          status.textContent = `failed: ${registration.failureReason}`;
        }
      };
      registration.addEventListener('progress', update);
      update();
    };

    item.querySelector('.download').addEventListener('click', async () => {
      track(
        await manager.fetch(id, [url], {
          title: item.querySelector('strong').textContent,
          downloadTotal: size,
        }),
      );
    });

    await showDone();
    const running = await manager.get(id);
    if (running) track(running);
  }
  document.documentElement.dataset.ready = 'true';
})().catch((error) => {
  console.error(error);
  document.getElementById('engine').textContent = `Something went wrong: ${error.message}`;
  document.documentElement.dataset.ready = 'error';
});
