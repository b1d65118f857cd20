/**
 * The entry of the inspector's second script (dist/webview-later.js, loaded by lazy.ts after the
 * first frame): it hands over what it holds. What the first script also imports is not in it
 * (scripts/build-webview.mjs takes those modules from the first script), so nothing here may be
 * imported by the first script other than as a type.
 */
// First: the toolkit's modules below listen for a load event that may have come (lateLoad.ts).
import { endLateLoad } from './ui/lateLoad';
import { laterArrived } from './lazy';
import { exportGraph } from './ui/exportGraph';
import { Minimap } from './ui/minimap';
import { sidePanels, stepPanel } from './ui/sidePanels';
import { summarisedScreen } from './ui/summarisedScreen';
import { registerToolkit } from './ui/toolkitComponents';
import { TrainingScreen } from './ui/trainingScreen';

const later = { registerToolkit, sidePanels, stepPanel, summarisedScreen, TrainingScreen, Minimap, exportGraph };

/** What the second script gives the first. */
export type Later = typeof later;

endLateLoad();
laterArrived(later);
