import { crx, type ManifestV3Export } from '@crxjs/vite-plugin';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';
import manifest from './manifest.json' with { type: 'json' };

export default defineConfig({
  plugins: [preact(), crx({ manifest: manifest as ManifestV3Export })],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Extension pages load from disk; inlined source maps would only bloat the store zip.
    sourcemap: false,
    target: 'chrome120',
    rollupOptions: {
      // The panel page is opened by the devtools page and as a pop-out tab; the manifest does not name it.
      input: { panel: 'src/panel/panel.html' },
    },
  },
  server: { port: 5173, strictPort: true, hmr: { port: 5174 } },
});
