// The narrow observer hook the capture layer builds on: ops, graph breaks, backward steps.
import { strict as assert } from 'node:assert';
import { np, autograd, NDArray } from 'gradlens';
import { setEngineObserver, type BackwardStepEvent, type EngineObserver, type GraphBreakEvent, type OpEvent } from '../../engine/observer';
import { assertClose } from '../helpers';

function observe(fn: () => void): { ops: OpEvent[]; steps: BackwardStepEvent[]; breaks: GraphBreakEvent[]; log: string[] } {
  const seen = { ops: [] as OpEvent[], steps: [] as BackwardStepEvent[], breaks: [] as GraphBreakEvent[], log: [] as string[] };
  const observer: EngineObserver = {
    op: (e) => { seen.ops.push(e); seen.log.push(`op ${e.op}${e.node ? ' recorded' : ''}`); },
    scopeEnter: (e) => seen.log.push(`enter ${e.kind}`),
    scopeExit: (e) => seen.log.push(`exit ${e.kind}`),
    attachGrad: (_a, req) => seen.log.push(`attachGrad ${req}`),
    graphBreak: (e) => { seen.breaks.push(e); seen.log.push(`break ${e.kind}`); },
    backwardStart: (e) => seen.log.push(`backward ${e.kind} heads=${e.heads.length} implicit=${e.implicit.join(',')}`),
    backwardStep: (e) => { seen.steps.push(e); seen.log.push(`step ${e.node.op}`); },
    backwardEnd: (e) => seen.log.push(`end ${e.leafGrads.length} leaf grads`),
    backwardError: () => seen.log.push('backward error'),
  };
  const previous = setEngineObserver(observer);
  try {
    fn();
  } finally {
    setEngineObserver(previous);
  }
  return seen;
}

suite('engine observer', () => {
  test('y = 2·dot(x, x): the mul step sends 2 to dot, the dot step sends 2x to x twice', () => {
    let x!: NDArray;
    const seen = observe(() => {
      x = np.arange(4);
      x.attachGrad();
      const y = autograd.record(() => np.dot(x, x).mul(2));
      y.backward();
    });
    assert.deepEqual(seen.log, [
      'attachGrad write', 'enter record', 'op dot recorded', 'op mul recorded', 'exit record',
      'backward backward heads=1 implicit=true', 'step mul', 'step dot', 'end 1 leaf grads',
    ]);
    const [mulStep, dotStep] = seen.steps as [BackwardStepEvent, BackwardStepEvent];
    assertClose(mulStep.upstream, 1);
    assert.equal(mulStep.contributions.length, 1, 'the constant 2 needs no gradient');
    assertClose(mulStep.contributions[0]!.grad, 2);
    assert.deepEqual(dotStep.contributions.map((c) => c.index), [0, 1]);
    for (const c of dotStep.contributions) {
      assert.equal(c.input, x);
      assertClose(c.grad, [0, 2, 4, 6]);
    }
  });

  test('graph breaks: detach, attachGrad on an intermediate, coercion to a number while recording', () => {
    const seen = observe(() => {
      const x = np.array([1, 2]);
      x.attachGrad();
      autograd.record(() => {
        const y = x.mul(x);
        y.detach();
        const u = x.mul(3);
        u.attachGrad();
        if ((x.sum() as unknown as number) > 0) x.sum().item();
      });
      x.sum().item(); // not recording: no break
    });
    assert.deepEqual(seen.breaks.map((b) => b.kind), ['detach', 'attachGrad', 'coerce', 'coerce']);
    assert.match(seen.breaks[0]!.message, /detach\(\) makes a constant copy of the result of 'mul'/);
    assert.match(seen.breaks[1]!.message, /attachGrad\(\) on the result of 'mul' detaches it/);
    assert.match(seen.breaks[2]!.message, /valueOf\(\) turns this recorded array into a plain JavaScript number/);
    assert.match(seen.breaks[3]!.message, /item\(\)/);
  });

  test('ops outside record are reported unrecorded; gradient computations are not reported', () => {
    const seen = observe(() => {
      const x = np.array([1, 2]);
      x.attachGrad();
      x.add(1);
      autograd.record(() => x.sin().sum()).backward();
    });
    assert.deepEqual(seen.log.filter((l) => l.startsWith('op')), ['op add', 'op sin recorded', 'op sum recorded']);
  });

  test('createGraph: the gradient computation is recorded and reported', () => {
    const seen = observe(() => {
      const x = np.array([1, 2]);
      x.attachGrad();
      autograd.record(() => autograd.grad(x.square(), [x], { createGraph: true }));
    });
    assert.ok(seen.ops.filter((e) => e.node !== null).length > 1);
    assert.ok(seen.log.includes('step square'));
  });

  test('a failing backward is reported before the error propagates', () => {
    const seen = observe(() => {
      const x = np.array([1]);
      x.attachGrad();
      const y = autograd.record(() => x.mul(2));
      y.backward();
      assert.throws(() => y.backward(), /freed/);
    });
    assert.equal(seen.log.at(-1), 'backward error');
  });
});
