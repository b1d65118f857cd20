/**
 * Ownership of VS Code resources: a `Disposable` base class whose subclasses register every
 * listener, provider and child they create, and dispose of them all at once (the samples'
 * `custom-editor-sample/src/dispose.ts` idea). Nothing the extension creates is left dangling.
 */
import type * as vscode from 'vscode';

export abstract class Disposable implements vscode.Disposable {
  private readonly owned: vscode.Disposable[] = [];
  private disposed = false;

  protected get isDisposed(): boolean {
    return this.disposed;
  }

  /** Takes ownership of `value`; disposes of it right away if this object is already disposed. */
  protected register<T extends vscode.Disposable>(value: T): T {
    if (this.disposed) value.dispose();
    else this.owned.push(value);
    return value;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const item of this.owned.splice(0).reverse()) {
      try {
        item.dispose();
      } catch {
        // one failing dispose must not keep the others alive
      }
    }
  }
}
