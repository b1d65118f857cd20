/** The inspector's toolbar: what to show, direction, colour, folding, search, camera and export. */
import type { Selection } from '../../protocol/messages';
import type { Choice } from '../model/summary';
import { passNumber, SUMMARY_CHOICE, TRAINING_CHOICE } from '../model/summary';
import type { Action } from '../state/state';
import { el } from './dom';
import { button, checkbox, dropdown, textField } from './toolkit';

const EXPORT_CHOICES = [
  { value: '', label: 'Export…' },
  { value: 'png', label: 'PNG image' },
  { value: 'svg', label: 'SVG image' },
  { value: 'dot', label: 'Graphviz DOT' },
];
const VIEW_CHOICES = [{ value: 'backward', label: 'Backward' }, { value: 'forward', label: 'Forward' }];
const COLOR_CHOICES = [{ value: 'gradient', label: 'Colour: gradient' }, { value: 'value', label: 'Colour: value' }];

export type ExportFormat = 'png' | 'svg' | 'dot';

/** What the toolbar does besides changing state: the camera and exports. */
export interface ToolbarCommands {
  dispatch(action: Action): void;
  fit(): void;
  zoom(factor: number): void;
  fitMatches(): void;
  exportAs(format: ExportFormat): void;
}

/** What the toolbar shows of the state. */
export interface ToolbarView {
  choices: Choice[];
  selection: Selection | null;
  /** The picker shows the summary choice (a large trace without a selection). */
  summary: boolean;
  /** The graph's controls (direction, colour, folding, search, camera, export): not beside the Training view. */
  graphControls: boolean;
  view: 'backward' | 'forward';
  colorMode: 'gradient' | 'value';
  folded: boolean;
  /** Blocks folded into one node each; null: the program used no gluon blocks (the checkbox is hidden). */
  byLayer: boolean | null;
  /** "n found", or nothing without a search. */
  searchInfo: string;
  /** How many backward passes the trace has (the Pass # field opens one of them; hidden without any). */
  passes: number;
}

/** The picker's value for what is shown: `pass:3`, `recording:0`, the Training view, the summary, or nothing. */
function pickerValue(view: ToolbarView): string {
  const { selection } = view;
  if (!selection) return view.summary ? SUMMARY_CHOICE : '';
  return selection.kind === 'training' ? TRAINING_CHOICE : `${selection.kind}:${selection.id}`;
}

export class Toolbar {
  readonly element: HTMLElement;
  private readonly picker;
  private readonly viewPicker;
  private readonly colorPicker;
  private readonly fold;
  private readonly byLayer;
  private readonly searchInfo: HTMLElement;
  private readonly passField: HTMLElement;
  private readonly passInfo: HTMLElement;
  private readonly graphControls: HTMLElement[];
  private shown: ToolbarView | null = null;

  constructor(commands: ToolbarCommands) {
    const { dispatch } = commands;
    this.picker = dropdown('What to show', (value) => {
      if (value === SUMMARY_CHOICE) { dispatch({ type: 'selection/set', selection: null }); return; }
      if (value === TRAINING_CHOICE) { dispatch({ type: 'selection/set', selection: { kind: 'training' } }); return; }
      const [kind, id] = value.split(':');
      if (kind === 'pass' || kind === 'recording') dispatch({ type: 'selection/set', selection: { kind, id: Number(id) } });
    });
    this.picker.element.classList.add('picker');
    this.viewPicker = dropdown('Backward or forward', (value) => dispatch({ type: 'view/set', view: value === 'forward' ? 'forward' : 'backward' }));
    this.colorPicker = dropdown('Colour nodes by', (value) => dispatch({ type: 'color/set', mode: value === 'value' ? 'value' : 'gradient' }));
    this.fold = checkbox('Fold loops', false, (checked) => dispatch({ type: 'fold/set', folded: checked }));
    const byFunction = checkbox('Group by function', false, (checked) => dispatch({ type: 'groupByFunction/set', on: checked }));
    this.byLayer = checkbox('Group by layer', false, (checked) => dispatch({ type: 'groupByLayer/set', on: checked }));
    this.byLayer.element.hidden = true;
    this.searchInfo = el('span', { class: 'search-info', 'aria-live': 'polite' });
    const search = textField('Search op, name or line', (value) => dispatch({ type: 'search/set', query: value }), () => commands.fitMatches());
    this.passInfo = el('span', { class: 'search-info pass-info', 'aria-live': 'polite' });
    this.passField = textField('Pass #', () => { this.passInfo.textContent = ''; }, (value) => {
      const typed = passNumber(value, this.shown?.passes ?? 0);
      if ('problem' in typed) { this.passInfo.textContent = typed.problem; return; }
      this.passInfo.textContent = '';
      dispatch({ type: 'selection/pass-number', number: typed.number });
    });
    this.passField.classList.add('pass-number');
    const exporter = dropdown('Export the graph', (value) => {
      if (value === 'png' || value === 'svg' || value === 'dot') commands.exportAs(value);
      exporter.set(EXPORT_CHOICES, '');
    });
    exporter.set(EXPORT_CHOICES, '');
    this.graphControls = [
      el('span', { class: 'graph-controls' }, this.viewPicker.element, this.colorPicker.element, this.fold.element, byFunction.element, this.byLayer.element, search, this.searchInfo),
      el('span', { class: 'graph-controls' },
        button({ icon: 'screen-full', title: 'Fit the graph', onClick: () => commands.fit() }),
        button({ icon: 'zoom-out', title: 'Zoom out', onClick: () => commands.zoom(1 / 1.25) }),
        button({ icon: 'zoom-in', title: 'Zoom in', onClick: () => commands.zoom(1.25) }),
        button({ icon: 'table', title: 'Accessible view: the graph as a table (Alt+Shift+V)', onClick: () => dispatch({ type: 'listing/set', open: true }) }),
        exporter.element),
    ];
    this.element = el('header', { class: 'toolbar' },
      this.picker.element, this.passField, this.passInfo, this.graphControls[0]!, el('span', { class: 'spacer' }), this.graphControls[1]!);
  }

  /** Shows the state; controls whose part did not change are left alone (a dropdown rebuilt loses its focus). */
  update(next: ToolbarView): void {
    const last = this.shown;
    const selectionValue = pickerValue(next);
    const lastValue = last ? pickerValue(last) : null;
    if (!last || last.choices !== next.choices || lastValue !== selectionValue) this.picker.set(next.choices, selectionValue);
    if (!last || last.view !== next.view) this.viewPicker.set(VIEW_CHOICES, next.view);
    if (!last || last.colorMode !== next.colorMode) this.colorPicker.set(COLOR_CHOICES, next.colorMode);
    if (!last || last.folded !== next.folded) this.fold.set(next.folded);
    if (!last || last.byLayer !== next.byLayer) {
      this.byLayer.element.hidden = next.byLayer === null;
      this.byLayer.set(next.byLayer === true);
    }
    if (!last || last.graphControls !== next.graphControls) for (const controls of this.graphControls) controls.hidden = !next.graphControls;
    if (!last || last.searchInfo !== next.searchInfo) this.searchInfo.textContent = next.searchInfo;
    if (!last || last.passes !== next.passes) {
      this.passField.hidden = next.passes === 0;
      this.passInfo.hidden = next.passes === 0;
    }
    this.shown = next;
  }
}
