import { builtinModules } from 'node:module';
import { defineConfig } from 'vite';

// The `cors-doctor` CLI as one self-contained ES module for Node (the engine, the HAR importer, the
// exports and the YAML parser bundled in), so the published package runs without its
// devDependencies and a fresh clone gets it from `npm ci` (the prepare script) or `npm run build`.
export default defineConfig({
  // The extension's icons (public/) have no place in the CLI.
  publicDir: false,
  build: {
    outDir: 'dist-cli',
    emptyOutDir: true,
    sourcemap: false,
    target: 'node20',
    ssr: 'src/cli/bin.ts',
    minify: false,
    rollupOptions: {
      external: [...builtinModules, ...builtinModules.map((name) => `node:${name}`)],
      output: { entryFileNames: 'cors-doctor.js', format: 'es', banner: '#!/usr/bin/env node' },
    },
  },
  ssr: { noExternal: true, target: 'node' },
});
