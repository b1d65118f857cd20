/** The footer: step buttons, play and speed, the scrubber, the step label, the colour legend and the badge thresholds. */
import type { Thresholds } from '../../protocol/messages';
import type { MagnitudeScale } from '../model/colors';
import type { Action } from '../state/state';
import { el } from './dom';
import { safely } from './failures';
import { setIcon } from './icons';
import { button, dropdown, textField } from './toolkit';

const SPEEDS = [0.5, 1, 2, 4, 8];

/** What the footer shows of the state. */
export interface StepperView {
  /** The frame's direction, or null without a graph (the label is empty). */
  kind: 'backward' | 'forward' | null;
  /** A graph is shown: the step controls are (beside the Training view or a summary only the thresholds are). */
  stepping: boolean;
  step: number;
  total: number;
  playing: boolean;
  scale: MagnitudeScale | null;
  colorMode: 'gradient' | 'value';
}

export class Stepper {
  readonly element: HTMLElement;
  private readonly scrubber: HTMLInputElement;
  private readonly label: HTMLElement;
  private readonly play: HTMLElement;
  private readonly legend: HTMLElement;
  private readonly controls: HTMLElement;
  private readonly next: HTMLElement;
  private legendShown: { scale: MagnitudeScale | null; colorMode: string } | null = null;

  constructor(dispatch: (action: Action) => void, initial: { speed: number; thresholds: Thresholds }) {
    this.scrubber = el('input', { type: 'range', min: '0', max: '0', value: '0', class: 'scrubber', 'aria-label': 'step' });
    this.scrubber.addEventListener('input', safely('moving the scrubber', () => {
      dispatch({ type: 'play/stop' });
      dispatch({ type: 'step/set', step: Number(this.scrubber.value) });
    }));
    this.label = el('span', { class: 'step-label', 'aria-live': 'polite' });
    this.play = button({ icon: 'play', title: 'Play (Space)', onClick: () => dispatch({ type: 'play/toggle' }) });
    const speed = dropdown('Speed', (value) => dispatch({ type: 'speed/set', speed: Number(value) }));
    speed.set(SPEEDS.map((s) => ({ value: String(s), label: `${s} step/s` })), String(initial.speed));
    this.legend = el('div', { class: 'legend', 'aria-label': 'colour legend' });
    let thresholds = initial.thresholds;
    const threshold = (which: 'vanishing' | 'exploding', label: string) => {
      const field = textField(label, (value) => {
        const number = Number(value);
        if (value.trim() !== '' && Number.isFinite(number) && number > 0) {
          thresholds = { ...thresholds, [which]: number };
          dispatch({ type: 'thresholds/set', thresholds });
        }
      }, () => {});
      field.classList.add('threshold');
      field.setAttribute('value', String(initial.thresholds[which]));
      field.setAttribute('title', `${label}: gradients whose L2 norm is ${which === 'vanishing' ? 'below' : 'above'} this get a badge`);
      return field;
    };
    const move = (to: 'first' | 'previous' | 'next' | 'last') => dispatch({ type: 'step/move', to });
    this.next = button({ icon: 'arrow-right', title: 'Next step (→)', onClick: () => move('next') });
    this.controls = el('span', { class: 'step-controls' },
      button({ icon: 'debug-step-back', title: 'First step (Home)', onClick: () => move('first') }),
      button({ icon: 'arrow-left', title: 'Previous step (←)', onClick: () => move('previous') }),
      this.play,
      this.next,
      button({ icon: 'debug-step-over', title: 'Last step (End)', onClick: () => move('last') }),
      speed.element, this.scrubber, this.label);
    this.element = el('footer', { class: 'stepper' }, this.controls, this.legend,
      el('span', { class: 'thresholds' }, 'badges: vanishing ‖∇‖ <', threshold('vanishing', 'vanishing below'), 'exploding >', threshold('exploding', 'exploding above')));
  }

  /** The focus to the Next step button. */
  focus(): void {
    this.next.focus();
  }

  update(view: StepperView): void {
    this.controls.hidden = !view.stepping;
    this.scrubber.max = String(view.total);
    this.scrubber.value = String(view.step);
    this.label.textContent = view.kind ? `${view.kind} step ${view.step} / ${view.total}` : '';
    this.play.title = view.playing ? 'Pause (Space)' : 'Play (Space)';
    const playIcon = this.play.querySelector<SVGSVGElement>('svg.icon')!;
    const shape = view.playing ? 'debug-pause' : 'play';
    if (playIcon.dataset.icon !== shape) setIcon(playIcon, shape);
    const legend = this.legendShown;
    if (!legend || legend.scale !== view.scale || legend.colorMode !== view.colorMode) {
      this.legend.replaceChildren(...legendItems(view.scale, view.colorMode));
      this.legendShown = { scale: view.scale, colorMode: view.colorMode };
    }
  }
}

function legendItems(scale: MagnitudeScale | null, colorMode: 'gradient' | 'value'): HTMLElement[] {
  if (!scale) return [];
  const label = colorMode === 'gradient' ? '‖∇‖' : '‖value‖';
  return [el('span', { class: 'legend-title' }, `${label} (log)`), ...scale.legend(5).map((stop) => {
    const swatch = el('span', { class: 'swatch' });
    swatch.style.background = stop.color;
    return el('span', { class: 'legend-stop' }, swatch, stop.label);
  })];
}
