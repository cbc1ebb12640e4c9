// How scripts (the demo, the bench) start `evolve rehearse`: through the built CLI, or from source
// with tsx when this build's CLI does not route `rehearse` yet.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** Node arguments that run `evolve rehearse`; append the command's own arguments. */
export function rehearseCommand(root) {
  const cli = join(root, 'bin', 'evolve.js');
  const probe = spawnSync(process.execPath, [cli, 'rehearse', '--help'], { cwd: root, encoding: 'utf8' });
  if (probe.status === 0) return [cli, 'rehearse'];
  const entry = join(root, 'server', 'src', 'rehearsal', 'cli-rehearse.ts');
  const code = `require(${JSON.stringify(entry)}).runRehearseCommand(process.argv.slice(1), { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() }).then((c) => { process.exitCode = c; })`;
  return ['--import', 'tsx', '-e', code];
}
