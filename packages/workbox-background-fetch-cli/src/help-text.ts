/** What `--help` prints. @private */
export const helpText = `Usage: workbox-background-fetch <command> [options]

Builds a Workbox service worker with Background Fetch queues, like workbox-cli.

Commands:
  generateSW [config]      Generate a service worker with workbox-build, its
                           backgroundFetch queues wired to your runtimeCaching
                           routes. Config: workbox-config.js by default.
  injectManifest [config]  Bundle your swSrc with esbuild (imports work), then
                           inject the precache manifest into it.
  copyLibraries <dir>      Copy the runtime and page bundles into
                           <dir>/workbox-background-fetch-v<version>/.
  init [config]            Write a commented workbox-config.js with a
                           backgroundFetch section (--injectManifest: a config
                           for injectManifest and a starter src/sw.js).

Options:
  -w, --watch              Build again when the config, globDirectory or (for
                           injectManifest) swSrc's folder change.
      --force              init: replace an existing config file.
      --injectManifest     init: write a config for injectManifest.
      --debug              Print every config problem and stack traces.
  -h, --help               Show this help.
  -v, --version            Show the version.

Examples:
  workbox-background-fetch init
  workbox-background-fetch generateSW
  workbox-background-fetch injectManifest workbox-config.js --watch
  workbox-background-fetch copyLibraries dist

Exit code 0 on success, 1 on any error (one line; --debug for details).`;
