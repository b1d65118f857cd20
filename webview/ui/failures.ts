/**
 * Event handlers that cannot throw out of the page: a handler that fails reports where and why
 * (the app shows it and tells the host) instead of ending as an uncaught exception. A trace is
 * validated before use; this is for what validation cannot foresee.
 */
import { visible } from '../../protocol/display';

/** An error in one line a person can read, escaped and short. */
export function errorText(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return visible(text, { limit: 500 });
}

let report: (where: string, error: unknown) => void = (where, error) => console.error(`GradLens inspector: ${where} failed`, error);

/** Where failures of handlers go (the app sets it once). */
export function onFailure(handler: (where: string, error: unknown) => void): void {
  report = handler;
}

/** `handler`, run so that an exception is reported rather than thrown out of an event. */
export function safely<A extends unknown[]>(where: string, handler: (...args: A) => void): (...args: A) => void {
  return (...args: A) => {
    try {
      handler(...args);
    } catch (error) {
      try {
        report(where, error);
      } catch (reportError) {
        console.error('GradLens inspector: reporting a failure failed', error, reportError);
      }
    }
  };
}
