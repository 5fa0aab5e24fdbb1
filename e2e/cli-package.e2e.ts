/**
 * The published package: `npm pack` (which builds the CLI bundle through the prepare script),
 * installed from the tarball into an empty project, runs `cors-doctor` with nothing from this
 * repository's node_modules: no tsx, no TypeScript, no devDependency at run time.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mountGallery } from '../lab/gallery';
import { startLab, type Lab } from '../lab/server';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '..');

async function exitOf(command: string, args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(command, args, { cwd, env: { ...process.env, NODE_OPTIONS: '' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    if (typeof failed.code !== 'number') throw error;
    return { code: failed.code, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

describe('the cors-doctor package, installed from its tarball', () => {
  let dir: string;
  let lab: Lab;
  let bin: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cors-doctor-pack-'));
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', dir], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
    // The prepare script's build log comes first on stdout; npm's JSON is the last thing printed.
    const json = stdout.slice(stdout.search(/^\[/m));
    const [packed] = JSON.parse(json) as Array<{ filename: string; files: Array<{ path: string }> }>;
    expect(packed!.files.map((f) => f.path)).toContain('dist-cli/cors-doctor.js');
    const project = join(dir, 'project');
    await run('mkdir', ['-p', project]);
    writeFileSync(join(project, 'package.json'), '{ "name": "consumer", "private": true }\n');
    // The runtime needs nothing from the registry; --prefer-offline keeps CI off the network for
    // the extension's own dependencies, which npm ci has already cached.
    await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', join(dir, packed!.filename)], { cwd: project });
    bin = join(project, 'node_modules', '.bin', 'cors-doctor');
    lab = await startLab();
    mountGallery(lab);
  }, 240_000);
  afterAll(async () => {
    await lab?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('checks a lab card: exit 1 with the rule when blocked, 0 when the fixed twin passes', async () => {
    const url = `${lab.origins.api}/cors-lab/json-content-type`;
    const blocked = await exitOf(
      bin,
      ['check', url, '--origin', lab.origins.page, '--method', 'POST', '--content-type', 'application/json', '--stack', 'express'],
      dir,
    );
    expect(blocked.code).toBe(1);
    expect(blocked.stdout).toMatch(/BLOCKED {2}HeaderDisallowedByPreflightResponse/);
    expect(blocked.stdout).toMatch(/Access-Control-Request-Headers: content-type/);
    expect(blocked.stdout).toMatch(/--- Express \(cors\) ---/);
    expect(blocked.stdout).not.toMatch(/--- nginx ---/);
    const fixed = await exitOf(
      bin,
      ['check', `${url}/fixed`, '--origin', lab.origins.page, '--method', 'POST', '--content-type', 'application/json', '--json'],
      dir,
    );
    expect(fixed.code).toBe(0);
    expect(JSON.parse(fixed.stdout)).toMatchObject({ allowed: true, preflight: { needed: true } });
  });

  it('diagnoses a HAR file', async () => {
    const har = join(dir, 'report.har');
    writeFileSync(har, readFileSync(join(ROOT, 'src/report/__golden__/report.har')));
    const result = await exitOf(bin, ['har', har], dir);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/cross-origin CORS exchanges, \d+ blocked\./);
  });

  it('says what is wrong with a command line, exit 2', async () => {
    const result = await exitOf(bin, ['check', 'not a url', '--origin', 'https://a.example'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/is not an absolute URL/);
  });
});
