/** The `cors-doctor` executable's entry point (bundled to dist-cli/cors-doctor.js by vite.cli.config.ts). */
import { EXIT_ERROR, nodeIo, runCli } from './main';

runCli(process.argv.slice(2), nodeIo()).then(
  (code) => {
    // exitCode, not exit(): stdout may still be flushing into a pipe.
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`cors-doctor: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = EXIT_ERROR;
  },
);
