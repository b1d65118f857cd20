// Types of code-server.mjs, for the TypeScript that imports it (test/e2e, bench).
export declare const CODE_SERVER_VERSION: string;
export declare function ensureCodeServer(options?: { log?: (line: string) => void }): Promise<{ codeServerBin: string; nodeBin: string }>;
export declare function startCodeServer(options: {
  userDataDir: string;
  extensionsDir: string;
  port?: number;
  env?: Record<string, string>;
  settings?: Record<string, unknown>;
  trust?: boolean;
  log?: (line: string) => void;
}): Promise<{ url: string; port: number; output(): string; stop(): Promise<void> }>;
export declare function installVsix(options: { extensionsDir: string; vsixPath: string; userDataDir?: string; log?: (line: string) => void }): Promise<void>;

/** Settings that keep the workbench quiet (no welcome page, chat, tips, update checks or telemetry). */
export declare const QUIET_SETTINGS: Readonly<Record<string, unknown>>;
