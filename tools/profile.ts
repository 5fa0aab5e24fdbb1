/**
 * A browser test's temporary Chromium profile, removed only once every process that could write to
 * it has exited. Chromium's main process exiting is not enough: its network service, GPU and
 * renderer processes can still flush caches into the profile for a moment (rmdir then fails with
 * ENOTEMPTY on `Default/Cache`). Chromium's processes share the main process's process group (the
 * launcher starts it detached), so the test waits for that whole group to be gone.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';

/** The process group of the Chromium whose command line names `userDataDir`, or null (not Linux, not found). */
export function chromiumProcessGroup(userDataDir: string): number | null {
  for (const pid of processIds()) {
    const cmdline = readProc(pid, 'cmdline');
    if (!cmdline || !cmdline.includes(`--user-data-dir=${userDataDir}\0`)) continue;
    if (cmdline.includes('--type=')) continue; // a child: the group is the main process's
    return processGroupOf(pid);
  }
  return null;
}

/** Resolves once no process of the group is left (zombies excepted), or after `timeoutMs`, when it kills what is left and waits again. */
export async function waitForProcessGroupExit(group: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (groupMembers(group).length > 0) {
    if (Date.now() > deadline) {
      try {
        process.kill(-group, 'SIGKILL');
      } catch {
        // Already gone.
      }
      if (Date.now() > deadline + 5_000) throw new Error(`Chromium processes ${groupMembers(group).join(', ')} did not exit`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Removes the profile, once its browser's processes have all exited. */
export async function removeProfile(userDataDir: string, group: number | null): Promise<void> {
  if (group !== null) await waitForProcessGroupExit(group);
  rmSync(userDataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
}

function processIds(): number[] {
  try {
    return readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .map(Number);
  } catch {
    return [];
  }
}

function readProc(pid: number, file: string): string | null {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return null;
  }
}

/** Fields of /proc/<pid>/stat after the command name (which may hold spaces): state is [0], pgrp [2]. */
function statFields(pid: number): string[] | null {
  const stat = readProc(pid, 'stat');
  if (!stat) return null;
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

function processGroupOf(pid: number): number | null {
  const fields = statFields(pid);
  return fields ? Number(fields[2]) : null;
}

function groupMembers(group: number): number[] {
  return processIds().filter((pid) => {
    const fields = statFields(pid);
    return fields !== null && Number(fields[2]) === group && fields[0] !== 'Z';
  });
}
