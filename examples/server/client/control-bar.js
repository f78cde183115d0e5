/*
  <example-controls>: the connection bar of the examples. It talks to the
  example server's control port (see examples/server/index.mjs) to throttle
  the site, cut it off, drop open connections once, and show the site's last
  requests — so you can watch a download pause and resume with Range.

  Plain script, no build step. Added at the bottom of the page when the page
  has no <example-controls> of its own. Attributes:
    control   the control server's origin (default: from /__example/config.json,
              remembered in localStorage for when the site is offline)
    expanded  show the request log from the start
    all       list every request (default: only downloads — requests with a
              Range header, cut, still open, failed, or of 256 KB and more)
*/
(() => {
  if (customElements.get('example-controls')) return;

  const STORAGE_KEY = 'example-controls:control-origin';
  const RATES = [
    ['off', 'unlimited'],
    ['256KB', '256 KB/s'],
    ['1MB', '1 MB/s'],
    ['2MB', '2 MB/s'],
    ['8MB', '8 MB/s'],
    ['32MB', '32 MB/s'],
  ];

  const formatBytes = (n) =>
    n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : n >= 1e3 ? `${(n / 1e3).toFixed(0)} KB` : `${n} B`;

  const rateKey = (rate) => {
    if (!rate) return 'off';
    for (const [key] of RATES) {
      const m = /^(\d+)(KB|MB)$/.exec(key);
      if (m && Number(m[1]) * (m[2] === 'KB' ? 1e3 : 1e6) === rate) return key;
    }
    return String(rate);
  };

  class ExampleControls extends HTMLElement {
    connectedCallback() {
      if (this.shadowRoot) return;
      const root = this.attachShadow({mode: 'open'});
      root.innerHTML = `
<style>
  :host { display: block; font: 13px/1.4 system-ui, sans-serif; color: #e8ecf4; }
  :host([floating]) { position: fixed; left: 0; right: 0; bottom: 0; z-index: 1000; }
  .bar { background: #1d2330; border-top: 1px solid #2f3850; padding: 8px 14px; display: flex; flex-wrap: wrap; gap: 10px; align-items: center; }
  :host(:not([floating])) .bar { border-radius: 10px; border: 1px solid #2f3850; }
  .title { font-weight: 600; color: #a9b4cc; margin-right: 4px; }
  button, select { font: inherit; border-radius: 6px; border: 1px solid #46506a; background: #2a3245; color: inherit; padding: 4px 10px; cursor: pointer; }
  button:hover, select:hover { border-color: #7d8aa8; }
  button.cut[aria-pressed="true"] { background: #b3261e; border-color: #e5534b; }
  .dot { width: 9px; height: 9px; border-radius: 50%; display: inline-block; background: #3fb950; margin-right: 6px; vertical-align: 1px; }
  .dot.off { background: #e5534b; }
  .dot.unknown { background: #7d8aa8; }
  .status { min-width: 9em; }
  .spacer { flex: 1; }
  a { color: #8fb3ff; }
  table { border-collapse: collapse; font: 12px/1.45 ui-monospace, monospace; margin-top: 6px; }
  td { padding: 1px 18px 1px 0; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; max-width: 30em; }
  .empty { color: #7d8aa8; font: 12px/1.45 system-ui, sans-serif; }
  .log { flex-basis: 100%; display: none; }
  :host([expanded]) .log { display: block; }
  .cutrow { color: #ff9b94; }
  .openrow { color: #9fd3ff; }
  .err { color: #ffb454; }
</style>
<div class="bar" part="bar">
  <span class="title">Connection</span>
  <span class="status"><span class="dot unknown"></span><span class="status-text">…</span></span>
  <button class="cut" aria-pressed="false" title="Destroy every connection to the site and refuse new ones">Cut connection</button>
  <button class="drop" title="Destroy the open connections once; downloads resume with Range requests">Drop connections once</button>
  <label>Throttle <select class="rate"></select></label>
  <span class="spacer"></span>
  <button class="toggle-log" aria-expanded="false">Requests</button>
  <a class="panel" target="_blank" rel="noopener">panel</a>
  <div class="log"><table><tbody></tbody></table></div>
</div>`;
      this._els = {
        dot: root.querySelector('.dot'),
        statusText: root.querySelector('.status-text'),
        cut: root.querySelector('.cut'),
        drop: root.querySelector('.drop'),
        rate: root.querySelector('.rate'),
        toggle: root.querySelector('.toggle-log'),
        panel: root.querySelector('.panel'),
        rows: root.querySelector('tbody'),
      };
      for (const [value, label] of RATES) {
        this._els.rate.append(new Option(label, value));
      }
      this._els.cut.addEventListener('click', () =>
        this._call(`/set?offline=${this._state?.offline ? 0 : 1}`),
      );
      this._els.drop.addEventListener('click', () => this._call('/drop'));
      this._els.rate.addEventListener('change', () =>
        this._call(`/set?throttle=${encodeURIComponent(this._els.rate.value)}`),
      );
      this._els.toggle.addEventListener('click', () => {
        this.toggleAttribute('expanded');
        this._poll();
      });
      this._start();
    }

    disconnectedCallback() {
      clearTimeout(this._timer);
    }

    async _start() {
      this._origin = this.getAttribute('control') || (await this._discover());
      if (this._origin) this._els.panel.href = `${this._origin}/`;
      if (this._origin === location.origin) this._els.panel.hidden = true;
      this._poll();
    }

    async _discover() {
      try {
        const res = await fetch('/__example/config.json', {cache: 'no-store'});
        const config = await res.json();
        localStorage.setItem(STORAGE_KEY, config.control);
        return config.control;
      } catch {
        return localStorage.getItem(STORAGE_KEY);
      }
    }

    async _call(path) {
      if (!this._origin) return;
      try {
        const res = await fetch(this._origin + path, {method: 'POST', cache: 'no-store'});
        this._render(await res.json());
      } catch {
        this._unreachable();
      }
      this._poll();
    }

    async _poll() {
      clearTimeout(this._timer);
      if (!this._origin) {
        this._unreachable();
      } else {
        const expanded = this.hasAttribute('expanded');
        try {
          const res = await fetch(`${this._origin}${expanded ? '/log?limit=200' : '/state'}`, {
            cache: 'no-store',
          });
          this._render(await res.json());
        } catch {
          this._unreachable();
        }
      }
      if (this.isConnected) this._timer = setTimeout(() => this._poll(), 1000);
    }

    _unreachable() {
      this._els.dot.className = 'dot unknown';
      this._els.statusText.textContent = 'control server not reachable';
      this._els.statusText.className = 'status-text err';
    }

    _render(state) {
      this._state = state;
      const {dot, statusText, cut, rate, toggle, rows} = this._els;
      dot.className = state.offline ? 'dot off' : 'dot';
      statusText.className = 'status-text';
      statusText.textContent = state.offline ? 'cut off' : `online · ${state.throttleText}`;
      cut.setAttribute('aria-pressed', String(state.offline));
      cut.textContent = state.offline ? 'Restore connection' : 'Cut connection';
      const key = rateKey(state.throttle);
      if (![...rate.options].some((o) => o.value === key)) {
        rate.append(new Option(state.throttleText, key));
      }
      if (this.shadowRoot.activeElement !== rate) rate.value = key;
      toggle.setAttribute('aria-expanded', String(this.hasAttribute('expanded')));
      this.dispatchEvent(new CustomEvent('state', {detail: state}));
      if (!state.requests) return;
      const all = this.hasAttribute('all');
      const shown = state.requests
        .filter(
          (r) =>
            all || r.range || r.open || !r.completed || r.status >= 400 || r.bytesSent >= 256e3,
        )
        .slice(0, 10);
      if (!shown.length) {
        const tr = document.createElement('tr');
        tr.innerHTML = '<td class="empty">No downloads yet.</td>';
        rows.replaceChildren(tr);
        return;
      }
      rows.replaceChildren(
        ...shown.map((r) => {
          const tr = document.createElement('tr');
          const what = r.open ? 'open' : r.completed ? 'done' : 'cut';
          tr.className = what === 'cut' ? 'cutrow' : what === 'open' ? 'openrow' : '';
          for (const text of [
            r.method,
            r.path,
            r.range ? `Range: ${r.range}${r.ifRange ? ' + If-Range' : ''}` : '',
            r.status || '…',
            formatBytes(r.bytesSent),
            what,
          ]) {
            const td = document.createElement('td');
            td.textContent = String(text);
            tr.append(td);
          }
          return tr;
        }),
      );
    }
  }

  customElements.define('example-controls', ExampleControls);

  const addBar = () => {
    if (!document.querySelector('example-controls')) {
      const bar = document.createElement('example-controls');
      bar.setAttribute('floating', '');
      document.body.append(bar);
    }
  };
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', addBar);
  } else {
    addBar();
  }
})();
