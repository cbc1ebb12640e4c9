// Bundles the script (TS or JS) into one CommonJS file with an inline source map, so local
// imports of .ts files work, packages stay external (resolved like the script would), and errors
// point at the TypeScript lines. Runs before the snapshot is made: a syntax error costs no copy.
import { join, relative } from 'node:path';
import { requireFromRoots, type ModuleRoots } from './modules';

interface EsbuildMessage {
  text: string;
  location: { file: string; line: number; column: number; lineText: string } | null;
}
interface Esbuild {
  build(options: object): Promise<unknown>;
  stop(): Promise<void>;
}

export class ScriptBuildError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScriptBuildError';
  }
}

export async function bundleScript(script: string, workDir: string, roots: ModuleRoots): Promise<string> {
  const esbuild = requireFromRoots('esbuild', { workspace: roots.evolveRoot, evolveRoot: roots.workspace }) as Esbuild;
  const outfile = join(workDir, 'script.cjs');
  try {
    await esbuild.build({
      entryPoints: [script],
      outfile,
      bundle: true,
      packages: 'external',
      platform: 'node',
      format: 'cjs',
      // import('pg') becomes require('pg'): a dynamic import of a package would otherwise resolve from the
      // bundle's private folder (nothing there) and bypass the connection fence, which hooks require.
      supported: { 'dynamic-import': false },
      target: `node${process.versions.node.split('.')[0]}`,
      sourcemap: 'inline',
      sourcesContent: false,
      absWorkingDir: roots.workspace,
      logLevel: 'silent',
      // TypeORM migrations use decorators with emitted metadata.
      tsconfigRaw: { compilerOptions: { experimentalDecorators: true } },
    });
  } catch (error) {
    const errors = (error as { errors?: EsbuildMessage[] }).errors;
    if (!errors?.length) throw error;
    const lines = errors.map((e) =>
      e.location
        ? `${relative(roots.workspace, join(roots.workspace, e.location.file)) || e.location.file}:${e.location.line}:${e.location.column + 1}: ${e.text}\n    ${e.location.lineText}`
        : e.text,
    );
    throw new ScriptBuildError(`The script does not compile, so nothing ran and no snapshot was made:\n${lines.join('\n')}`);
  } finally {
    // esbuild's service process would outlive the child, whatever ends it (a crash, an OOM) and
    // nobody would wait for it: end it now that the one build is done.
    await esbuild.stop();
  }
  return outfile;
}
