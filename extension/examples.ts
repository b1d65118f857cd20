/**
 * The examples GradLens: New Example… can write into a workspace: the autograd chapter and its
 * exercises, and d2l sections with training loops (each with the book's helper library beside it).
 * Their sources ship in the extension's `dist/starter/` (scripts/build.mjs copies examples/ there).
 * Where a file would go is decided here, so that nothing the user has is overwritten. Pure Node.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface StarterExample {
  /** Its name in command arguments (the walkthrough's links): `seed/autograd`. */
  id: string;
  label: string;
  detail: string;
  /** The files written, relative to `dist/starter/`; the first is the one opened. */
  files: readonly string[];
}

/** The helper library and the licence every d2l example needs beside it. */
const D2L_LIBRARY = ['d2l/d2l.ts', 'd2l/LICENSE-SAMPLECODE'] as const;

export const STARTER_EXAMPLES: readonly StarterExample[] = [
  { id: 'seed/autograd', label: 'Automatic differentiation: the autograd chapter', detail: 'y = 2xᵀx and its gradient 4x, head gradients, detach, control flow: every cell of d2l\'s chapter', files: ['seed/autograd.ts'] },
  { id: 'seed/exercise6-chain-rule', label: 'The chain rule through head gradients', detail: 'dz/dx = dz/du · du/dx: backward from u with head gradient dz/du', files: ['seed/exercise6-chain-rule.ts'] },
  { id: 'seed/exercise5-second-derivative', label: 'A second derivative', detail: 'autograd.grad with createGraph: the first derivative\'s own graph, differentiated', files: ['seed/exercise5-second-derivative.ts'] },
  { id: 'seed/exercise3-own-control-flow', label: 'A gradient through a loop', detail: 'exp(a) by its Taylor series: autograd differentiates the loop that ran', files: ['seed/exercise3-own-control-flow.ts'] },
  { id: 'seed/exercise1-backward-twice', label: 'backward() twice', detail: 'the error the second pass gives, and retainGraph', files: ['seed/exercise1-backward-twice.ts'] },
  { id: 'd2l/linear-regression-scratch', label: 'Linear regression from scratch (d2l 3.4)', detail: 'a training loop: minibatch SGD on synthetic data, in-place parameter updates', files: ['d2l/linear-regression-scratch.ts', ...D2L_LIBRARY] },
  { id: 'd2l/mlp-implementation', label: 'A multilayer perceptron training loop (d2l 5.2)', detail: 'from scratch and with gluon\'s nn.Sequential of nn.Dense, on a small Fashion-MNIST stand-in', files: ['d2l/mlp-implementation.ts', ...D2L_LIBRARY] },
  { id: 'd2l/lenet', label: 'LeNet, a convolutional network (d2l 7.6)', detail: 'Conv2D, AvgPool2D and Dense layers; group the graph by layer', files: ['d2l/lenet.ts', ...D2L_LIBRARY] },
];

export function starterExample(id: unknown): StarterExample | null {
  return STARTER_EXAMPLES.find((example) => example.id === id) ?? null;
}

/** Where each file of `example` goes under `folder`, and whether it is already there, unchanged. */
export interface Placement {
  source: string;
  target: string;
  /** The same bytes are already at `target`: nothing to write. */
  present: boolean;
}

/**
 * The files of `example` placed in `folder`: a chapter example beside the user's files, a d2l one in
 * a `d2l/` folder with its library. A name taken by a different file moves the example to the first
 * free `name-2`, `name-3`… (for d2l: the folder), so that nothing is overwritten.
 */
export function placeExample(starterDir: string, example: StarterExample, folder: string): Placement[] {
  const sourceOf = (file: string) => join(starterDir, ...file.split('/'));
  const same = (source: string, target: string) => existsSync(target) && readFileSync(target).equals(readFileSync(source));
  const takenBySomethingElse = (placements: Placement[]) => placements.some((p) => !p.present && existsSync(p.target));
  for (let n = 1; n < 1000; n++) {
    const suffix = n === 1 ? '' : `-${n}`;
    const placements = example.files.map((file) => {
      const [group, name] = file.split('/') as [string, string];
      const target = group === 'd2l' ? join(folder, `d2l${suffix}`, name) : join(folder, name.replace(/\.ts$/, `${suffix}.ts`));
      const source = sourceOf(file);
      return { source, target, present: same(source, target) };
    });
    if (!takenBySomethingElse(placements)) return placements;
  }
  throw new Error(`every name for ${example.id} up to 999 is taken in ${folder}`);
}
