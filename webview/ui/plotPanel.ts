/** The f(x) and ∂f/∂x plot a backward pass offers (plots.ts decides when). */
import type { FunctionPlot } from '../model/plots';
import { functionChart } from './charts';
import { el, section } from './dom';

export function plotPanel(plot: FunctionPlot): HTMLElement {
  const chart = el('div', { class: 'plot' });
  const panel = section(`${plot.fName}(${plot.xName}) and its derivative`, chart,
    el('p', { class: 'muted' }, `∂${plot.fName}/∂${plot.xName} is ${plot.xName}.grad from this backward pass: autograd, not a formula.`));
  requestAnimationFrame(() => functionChart(chart, plot.x, plot.f, plot.dfdx, { x: plot.xName, f: plot.fName }));
  return panel;
}
