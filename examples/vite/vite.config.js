// vite.config.js: injectManifest, your own worker (src/sw.js).
import {defineConfig} from 'vite';
import {VitePWA} from 'vite-plugin-pwa';

export default defineConfig({
  build: {target: 'es2022'}, // the page uses top-level await
  plugins: [
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'sw.js',
      injectRegister: false, // the page registers /sw.js
      manifest: false,
      injectManifest: {globPatterns: ['**/*.{html,js,css,png,svg}']},
    }),
  ],
});
