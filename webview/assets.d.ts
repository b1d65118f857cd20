/** Stylesheets imported for their side effect: esbuild bundles them into dist/webview.css. */
declare module '*.css';

/** Codicons as SVG paths, by name: the build reads them from the package's sprite (scripts/build-webview.mjs). */
declare module '@vscode/codicons/dist/codicon.svg?icons=*' {
  const paths: Readonly<Record<string, readonly string[]>>;
  export default paths;
}
