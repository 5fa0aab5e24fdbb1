/**
 * Runs `npm start -- <args>` as a developer without a display does, for the demo tests of both
 * browsers (e2e/demo.e2e.ts, e2e/firefox/demo.e2e.ts), and reads the screenshots it writes.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { crc32, inflateSync } from 'node:zlib';
import { expect } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');

export interface DemoRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Spawns the demo and resolves when it exits; fails (after stopping it) if it runs past `timeoutMs`. */
export function runDemo(args: string[], timeoutMs: number): Promise<DemoRun> {
  const started = Date.now();
  return new Promise((done, fail) => {
    // No DISPLAY: the demo must run headless even when the test runs under Xvfb.
    const env = { ...process.env, NO_COLOR: '1', DISPLAY: '', WAYLAND_DISPLAY: '' };
    const child = spawn('npm', ['start', '--silent', '--', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGINT');
      fail(new Error(`npm start -- ${args.join(' ')} did not finish within ${timeoutMs / 1000} s.\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, timeoutMs);
    child.once('error', fail);
    child.once('exit', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** Reads a PNG chunk by chunk (each CRC checked), inflates its image data and checks it fills width × height. */
export function readPng(file: string): { width: number; height: number } {
  const png = readFileSync(file);
  expect(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), `${file}: PNG signature`).toBe(true);
  const chunks: { type: string; data: Buffer }[] = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    const type = png.subarray(at + 4, at + 8).toString('latin1');
    const data = png.subarray(at + 8, at + 8 + length);
    expect(png.readUInt32BE(at + 8 + length), `${file}: CRC of ${type}`).toBe(crc32(png.subarray(at + 4, at + 8 + length)));
    chunks.push({ type, data });
    at += 12 + length;
  }
  expect(chunks[0]?.type).toBe('IHDR');
  expect(chunks.at(-1)?.type).toBe('IEND');
  const header = chunks[0]!.data;
  const [width, height, bitDepth, colorType] = [header.readUInt32BE(0), header.readUInt32BE(4), header[8]!, header[9]!];
  const channels = { 0: 1, 2: 3, 4: 2, 6: 4 }[colorType as 0 | 2 | 4 | 6];
  expect(bitDepth === 8 && channels !== undefined, `${file}: 8-bit grey/RGB/RGBA`).toBe(true);
  const pixels = inflateSync(Buffer.concat(chunks.filter((chunk) => chunk.type === 'IDAT').map((chunk) => chunk.data)));
  expect(pixels.length, `${file}: image data for ${width}×${height}`).toBe(height * (1 + width * channels!));
  return { width, height };
}
