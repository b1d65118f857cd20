/** The f(x) and ∂f/∂x plot a backward pass offers (plots.ts decides when). */
import { labelText } from '../model/labels';
import type { FunctionPlot } from '../model/plots';
import { functionChart } from './charts';
import { el, section } from './dom';
import { safely } from './failures';

export function plotPanel(plot: FunctionPlot): HTMLElement {
  // Names come from source lines: short and escaped in the title, the text and the chart's legend.
  const [x, f] = [labelText(plot.xName), labelText(plot.fName)];
  const chart = el('div', { class: 'plot' });
  const panel = section(`${f}(${x}) and its derivative`, chart,
    el('p', { class: 'muted' }, `∂${f}/∂${x} is ${x}.grad from this backward pass: autograd, not a formula.`));
  requestAnimationFrame(safely('drawing the plot', () => functionChart(chart, plot.x, plot.f, plot.dfdx, { x, f })));
  return panel;
}
