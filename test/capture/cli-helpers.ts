/** Running the `gradlens` command as a user does (dist/cli.js in a child process), for the CLI suites. */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { distDir } from '../trace-helpers';

export function gradlens(args: string[], cwd = process.cwd(), env: NodeJS.ProcessEnv = process.env) {
  const result = spawnSync(process.execPath, [join(distDir, 'cli.js'), ...args], { cwd, env, encoding: 'utf8', timeout: 30_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A program (main.ts, importing ./model) that leaves a file named `ran` when it runs. */
export function markingProgram(folder: string): { main: string; model: string; ran: string } {
  const [main, model, ran] = [join(folder, 'main.ts'), join(folder, 'model.ts'), join(folder, 'ran')];
  writeFileSync(model, 'export const scale = 2;\n');
  writeFileSync(main, `import { writeFileSync } from 'node:fs';\nimport { np } from 'gradlens';\nimport { scale } from './model';\nwriteFileSync(${JSON.stringify(ran)}, 'yes');\nconsole.log(np.array([1]).mul(scale).item());\n`);
  return { main, model, ran };
}
