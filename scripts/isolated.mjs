// Wraps a command so that, as root on Linux, it runs in a private network namespace
// (scripts/netns.sh): browsers and servers then talk only inside this machine.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function commandExists(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** Returns the argv to run and a line saying which mode was chosen and why. */
export function isolatedArgv(command) {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const optedOut = process.env.TABGRID_E2E_NO_NETNS === '1';
  if (process.platform === 'linux' && isRoot && !optedOut && commandExists('unshare') && commandExists('ip')) {
    return {
      argv: ['unshare', '--net', 'bash', path.join(root, 'scripts/netns.sh'), ...command],
      mode: 'private network namespace (root; unshare --net + scripts/netns.sh)',
    };
  }
  const why = process.platform !== 'linux' ? 'not Linux' : !isRoot ? 'not root' : optedOut ? 'TABGRID_E2E_NO_NETNS=1' : 'unshare or ip missing';
  return { argv: command, mode: `direct, no network namespace (${why})` };
}
