/** The autograd mode: whether ops are recorded, whether layers behave as in training. */
export const autogradState = {
  recording: false,
  training: false,
  /** > 0 while the engine computes gradients without recording them: ops are not reported then. */
  silent: 0,
  nextNodeId: 1,
};

/** Runs `fn` with the mode changed, and restores it whatever happens. */
export function withMode<T>(recording: boolean, training: boolean, fn: () => T): T {
  const state = autogradState;
  const previousRecording = state.recording;
  const previousTraining = state.training;
  state.recording = recording;
  state.training = training;
  try {
    return fn();
  } finally {
    state.recording = previousRecording;
    state.training = previousTraining;
  }
}
