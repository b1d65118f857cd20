/**
 * The inspector panel's page in VS Code: the built webview scripts and stylesheet from the
 * extension's dist/ folder (webview URIs under the panel's localResourceRoots: files, so V8's code
 * cache applies), under a strict Content Security Policy — nothing but those files and inline
 * content carrying this page's nonce. The first script names the second (what the first frame does
 * not need, webview/lazy.ts) by its URI in `data-later`, and adds it once the first frame is drawn,
 * with the nonce. The toolkit (FAST) probes the
 * browser with a style element of its own, which carries the nonce it reads from
 * `<meta property="csp-nonce">`.
 */
export interface PanelPage {
  /** The webview's `cspSource` (where its resources may come from). */
  cspSource: string;
  scriptUri: string;
  /** The second script's (webview-later.js). */
  laterUri: string;
  styleUri: string;
  /** A fresh random value per page. */
  nonce: string;
  title: string;
}

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function panelHtml(page: PanelPage): string {
  const csp = [
    "default-src 'none'",
    `img-src ${page.cspSource} data: blob:`,
    `font-src ${page.cspSource} data:`,
    `style-src ${page.cspSource} 'nonce-${page.nonce}'`,
    `script-src 'nonce-${page.nonce}'`,
  ].join('; ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escape(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta property="csp-nonce" content="${escape(page.nonce)}">
<title>${escape(page.title)}</title>
<link rel="stylesheet" href="${escape(page.styleUri)}" nonce="${escape(page.nonce)}">
</head>
<body>
<div id="app"></div>
<script nonce="${escape(page.nonce)}" src="${escape(page.scriptUri)}" data-later="${escape(page.laterUri)}"></script>
</body>
</html>
`;
}
