export interface FlapConfig {
  /** Evaluations kept (21 gives 20 possible state changes). */
  window: number;
  enterPercent: number;
  leavePercent: number;
}

export interface FlapState {
  /** Newest last; true = condition active. */
  history: boolean[];
  flapping: boolean;
}

/**
 * Percent state change over a window of evaluations, the way Nagios measures flapping: each
 * change between two neighbouring evaluations counts, newer changes weigh more (0.8 for the
 * oldest up to 1.2 for the newest), so a condition that settles stops counting as flapping
 * sooner. A history shorter than the window counts as if its first state had held before it,
 * so two evaluations with one change are 5 %, not 100 %.
 */
export function percentStateChange(history: readonly boolean[], window = history.length): number {
  const transitions = Math.max(window, history.length) - 1;
  if (transitions < 1 || history.length < 2) return 0;
  const offset = transitions + 1 - history.length;
  let weighted = 0;
  for (let i = 1; i < history.length; i++) {
    const position = offset + i - 1;
    if (history[i] !== history[i - 1]) weighted += transitions === 1 ? 1 : 0.8 + (0.4 * position) / (transitions - 1);
  }
  return (100 * weighted) / transitions;
}

/**
 * Adds one evaluation. Enters flapping above `enterPercent`, leaves below `leavePercent`
 * (hysteresis, so it does not flap about flapping). Returns the change, if any.
 */
export function recordEvaluation(state: FlapState, active: boolean, config: FlapConfig): 'started' | 'stopped' | null {
  state.history.push(active);
  if (state.history.length > config.window) state.history.splice(0, state.history.length - config.window);
  const pct = percentStateChange(state.history, config.window);
  if (!state.flapping && pct > config.enterPercent) {
    state.flapping = true;
    return 'started';
  }
  if (state.flapping && pct < config.leavePercent) {
    state.flapping = false;
    return 'stopped';
  }
  return null;
}

/** A series with nothing active in its window and not flapping needs no keeping. */
export const isQuiet = (state: FlapState): boolean => !state.flapping && !state.history.includes(true);
