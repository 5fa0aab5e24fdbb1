import { crx, type ManifestV3Export } from '@crxjs/vite-plugin';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';
import manifest from './manifest.json' with { type: 'json' };
import { firefoxManifest } from './scripts/firefox-manifest';

// One config, two targets: `vite build` is the Chromium build (dist/), `vite build --mode firefox`
// the Firefox add-on (dist-firefox/), from the same sources and the manifest rewritten for Gecko.
export default defineConfig(({ mode }) => {
  const firefox = mode === 'firefox';
  return {
    plugins: [
      preact(),
      firefox ? crx({ manifest: firefoxManifest(manifest) as ManifestV3Export, browser: 'firefox' }) : crx({ manifest: manifest as ManifestV3Export }),
    ],
    build: {
      outDir: firefox ? 'dist-firefox' : 'dist',
      emptyOutDir: true,
      // Extension pages load from disk; inlined source maps would only bloat the store zip.
      sourcemap: false,
      target: firefox ? 'firefox128' : 'chrome120',
      rollupOptions: {
        // The panel page is opened by the devtools page and as a pop-out tab; the manifest does not name it.
        input: { panel: 'src/panel/panel.html' },
      },
    },
    server: { port: 5173, strictPort: true, hmr: { port: 5174 } },
  };
});
