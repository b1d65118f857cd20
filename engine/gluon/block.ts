/**
 * `gluon.nn.Block`: a layer or a model. Subclasses override `forward(...inputs)`; callers run it
 * with `block.call(...inputs)`, which tells a watching tool (GradLens capture) which block the ops
 * ran in, so traces can name parameters (`net.0.weight`) and fold a graph by layer.
 *
 * Children are the blocks assigned to fields (in the order they were assigned, as Python
 * attributes) and those given to `registerChild`; parameters are made with `this.params.get`.
 *
 * ```ts
 * class MLP extends nn.Block {
 *   hidden = new nn.Dense(256, { activation: 'relu' });
 *   output = new nn.Dense(10);
 *   forward(x: NDArray) { return this.output.call(this.hidden.call(x)); }
 * }
 * ```
 */
import { engineError, formatShape } from '../errors';
import type { NDArray } from '../ndarray';
import { observer, type BlockEvent } from '../observer';
import { checkOptions } from '../strict';
import { Initializer } from './init';
import { Parameter, type ParameterOptions } from './parameter';

/** A block's own parameters by name: `get` makes one the first time it is asked for. */
export class ParameterDict implements Iterable<[string, Parameter]> {
  private readonly entries = new Map<string, Parameter>();

  /** The parameter `name`, made with `options` if it does not exist yet (conv-layer.md's `self.params.get('weight', shape=…)`). */
  get(name: string, options: ParameterOptions = {}): Parameter {
    const existing = this.entries.get(name);
    if (existing !== undefined) return existing;
    const parameter = new Parameter(name, options);
    this.entries.set(name, parameter);
    return parameter;
  }

  has(name: string): boolean { return this.entries.has(name); }
  /** Whether `parameter` is one of these. */
  includes(parameter: Parameter): boolean { return this.entries.get(parameter.name) === parameter; }
  get size(): number { return this.entries.size; }
  [Symbol.iterator](): Iterator<[string, Parameter]> { return this.entries.entries(); }
}

/** The blocks being called, outermost first: their paths make the event paths. */
const active: { block: Block; path: string }[] = [];

/** Which block made each array (for messages that name the layer an input came from). */
const madeBy = new WeakMap<NDArray, string>();

export class Block {
  readonly params = new ParameterDict();
  private readonly registered: [string, Block][] = [];

  /** What the block computes: override it. Run it with `call`. */
  forward(..._inputs: NDArray[]): NDArray {
    throw engineError(`${this.constructor.name}.forward`, 'is not defined: a block subclass overrides forward(...inputs)');
  }

  /** Runs `forward` on `inputs` (as calling the block does in Python). */
  call(...inputs: NDArray[]): NDArray {
    const parent = active[active.length - 1];
    // A block its caller does not hold as a child (a local, an array element) is named by its kind:
    // describe() spells it out (a bundler may rename classes, so not constructor.name).
    const path = parent === undefined ? '' : joinPath(parent.path, parent.block.childName(this) ?? this.describe().split('(')[0]!);
    const event = (): BlockEvent => ({ path, label: this.describe(), params: this.ownParams(path) });
    const obs = observer.current;
    obs?.blockEnter?.(event());
    active.push({ block: this, path });
    try {
      const out = this.forward(...inputs);
      if (out !== null && typeof out === 'object') madeBy.set(out as NDArray, path === '' ? this.describe() : `layer '${path}'`);
      return out;
    } finally {
      active.pop();
      obs?.blockExit?.(event());
    }
  }

  /** Registers `block` as a child under `name` (default: its index among the registered). */
  registerChild(block: Block, name?: string): Block {
    if (!(block instanceof Block)) throw engineError('Block.registerChild', `needs a block, got ${String(block)}`);
    this.registered.push([name ?? String(this.registered.length), block]);
    return block;
  }

  /** The child blocks with their names: fields first (in assignment order), then registered ones. */
  children(): [string, Block][] {
    const out: [string, Block][] = [];
    for (const [key, value] of Object.entries(this)) {
      if (value instanceof Block && key !== 'registered') out.push([key, value]);
    }
    for (const entry of this.registered) if (!out.some(([, block]) => block === entry[1])) out.push(entry);
    return out;
  }

  /** The name this block gives `child`, or null when it is not one of its children. */
  childName(child: Block): string | null {
    for (const [name, block] of this.children()) if (block === child) return name;
    return null;
  }

  /**
   * Every parameter of this block and its children, by structured name (`net.0.weight`,
   * `lin1.weight`, `weight` for this block's own); `select` keeps the names it matches (a regular
   * expression as gluon's string, or a RegExp).
   */
  collectParams(select?: string | RegExp): Map<string, Parameter> {
    const pattern = select === undefined ? null : typeof select === 'string' ? new RegExp(select) : select;
    const out = new Map<string, Parameter>();
    const listed = new Set<Parameter>();
    const visit = (block: Block, prefix: string, seen: Set<Block>): void => {
      if (seen.has(block)) return; // a block shared by two parents is listed once, at its first name
      seen.add(block);
      for (const [name, parameter] of block.params) {
        const full = joinPath(prefix, name);
        if (listed.has(parameter) || (pattern !== null && !pattern.test(full))) continue;
        listed.add(parameter);
        out.set(full, parameter);
      }
      for (const [name, child] of block.children()) visit(child, joinPath(prefix, name), seen);
    };
    visit(this, '', new Set());
    return out;
  }

  /**
   * Initializes every parameter (those already made stay, unless `forceReinit`): each with its own
   * initializer if its layer gave it one (biases: zeros), else `init`, else gluon's default
   * Uniform(0.07). Parameters with unknown dimensions are made at the first call.
   */
  initialize(init: Initializer | null = null, options: { forceReinit?: boolean } = {}): void {
    checkOptions('Block.initialize', options, ['forceReinit']);
    if (init !== null && !(init instanceof Initializer)) throw engineError('Block.initialize', `the initializer must be an init.* object (new init.Xavier()), got ${String(init)}`);
    for (const parameter of this.collectParams().values()) parameter.initialize(init, options);
  }

  /** Sets every parameter's gradient to zeros. */
  zeroGrad(): void {
    for (const parameter of this.collectParams().values()) parameter.zeroGrad();
  }

  /** The block as gluon prints it, `Dense(256, relu)`: subclasses say their settings. */
  describe(): string { return this.constructor.name; }

  toString(): string {
    const children = this.children();
    if (children.length === 0) return this.describe();
    const lines = children.map(([name, child]) => `  (${name}): ${child.toString().replace(/\n/g, '\n  ')}`);
    return `${this.describe()}(\n${lines.join('\n')}\n)`;
  }

  private ownParams(path: string): { name: string; array: NDArray | null; init: string | null }[] {
    return [...this.params].map(([name, parameter]) => ({
      name: joinPath(path, name), array: parameter.initialized ? parameter.data() : null, init: parameter.initializer?.toString() ?? null,
    }));
  }
}

// A parameter made during its block's call (a deferred shape) is named there, with the block's path.
Parameter.made = (parameter, array) => {
  const top = active[active.length - 1];
  const obs = observer.current;
  if (top === undefined || obs?.parameter === undefined || !top.block.params.includes(parameter)) return;
  obs.parameter({ name: joinPath(top.path, parameter.name), array, init: parameter.initializer?.toString() ?? null });
};

function joinPath(prefix: string, name: string): string {
  return prefix === '' ? name : `${prefix}.${name}`;
}

/** Where an input came from, for messages: the path of the block that made it, if one did. */
export function origin(array: NDArray): string | null {
  return madeBy.get(array) ?? null;
}

/** `layer 'net.1' (Dense(10))`, or `Dense(10)` for a block called on its own. */
export function layerName(block: Block): string {
  const top = active[active.length - 1];
  return top !== undefined && top.block === block && top.path !== '' ? `layer '${top.path}' (${block.describe()})` : block.describe();
}

/** Checks a layer input: an NDArray with the number of dimensions the layer needs. */
export function checkInput(block: Block, x: unknown, dims: readonly number[], what: string): NDArray {
  const name = layerName(block);
  if (x === null || typeof x !== 'object' || !('shape' in x)) throw engineError(name, `needs an NDArray input, got ${String(x)}`);
  const array = x as NDArray;
  if (!dims.includes(array.ndim)) {
    const from = origin(array);
    throw engineError(name, `needs ${what}, got shape ${formatShape(array.shape)}${from ? ` from ${from}` : ''}`);
  }
  return array;
}
