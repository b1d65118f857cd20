// GradLens as a VS Code citizen, read off its manifest: keys that collide with nothing VS Code or
// GitLens binds by default (on Linux, Windows and macOS), every key and button behind a `when` that
// names context keys the code sets, settings with scopes, a Getting Started walkthrough whose steps
// complete on events the code raises and whose media ship, trace files as documents, and the
// metadata a Marketplace listing needs.
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { STARTER_EXAMPLES } from '../../extension/examples';
import { collisions, DELIBERATE_OVERRIDES, gitlensDefaults, isAltGrPress, keyOn, sequence, vscodeDefaults, type Binding, type Platform } from '../keybinding-helpers';
import { repoRoot } from '../trace-helpers';

interface Step { id: string; title: string; description: string; media: { image?: string; markdown?: string; altText?: string }; completionEvents: string[] }
interface Manifest {
  version: string;
  preview?: boolean;
  repository?: { type: string; url: string };
  bugs?: { url: string };
  homepage?: string;
  keywords?: string[];
  activationEvents: string[];
  capabilities: { virtualWorkspaces?: { supported: boolean; description: string }; untrustedWorkspaces: { supported: string } };
  contributes: {
    commands: { command: string }[];
    keybindings: Binding[];
    menus: Record<string, { command: string; when?: string }[]>;
    views: Record<string, { id: string; when?: string }[]>;
    configuration: { properties: Record<string, { scope?: string }> };
    walkthroughs: { id: string; title: string; steps: Step[] }[];
    customEditors: { viewType: string; selector: { filenamePattern: string }[]; priority: string }[];
    jsonValidation: { fileMatch: string; url: string }[];
  };
}

const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as Manifest;
const extensionSources = readdirSync(join(repoRoot, 'extension')).filter((f) => f.endsWith('.ts')).map((f) => readFileSync(join(repoRoot, 'extension', f), 'utf8')).join('\n');
const ours = manifest.contributes.keybindings;
const PLATFORMS: Platform[] = ['linux', 'windows', 'macos'];

/** The `gradlens:` context keys a when clause or completion event names. */
const contextKeysIn = (text: string) => [...text.matchAll(/gradlens:[A-Za-z0-9.]+/g)].map((m) => m[0]);

suite('extension: keys that steal nothing', () => {
  for (const platform of PLATFORMS) {
    test(`on ${platform}: no key of ours is one of VS Code's defaults or starts or ends a chord of theirs (but F5, on purpose)`, () => {
      const defaults = vscodeDefaults(repoRoot, platform);
      assert.ok(defaults.length > 1000, `${defaults.length} default keybindings read`);
      const found = collisions(ours, defaults, platform);
      const unexpected = found.filter((c) => !DELIBERATE_OVERRIDES.some((o) => o.command === c.ours.command && o.key === keyOn(c.ours, platform) && o.theirs.has(c.theirs.command)));
      assert.deepEqual(unexpected.map((c) => `${keyOn(c.ours, platform)} (${c.ours.command}) ${c.kind} ${keyOn(c.theirs, platform)} (${c.theirs.command})`), []);
      // The deliberate one is really there (else the exception would hide nothing and could go).
      assert.ok(found.some((c) => c.ours.command === 'gradlens.debugFile' && c.theirs.command === 'workbench.action.debug.start'));
    });

    test(`on ${platform}: no key of ours is one of GitLens's defaults`, () => {
      const gitlens = gitlensDefaults(repoRoot);
      assert.ok(gitlens.length > 40);
      assert.deepEqual(collisions(ours, gitlens, platform).map((c) => `${keyOn(c.ours, platform)} ${c.kind} ${keyOn(c.theirs, platform)} (${c.theirs.command})`), []);
    });
  }

  test('the collision check finds what it should: the keys GradLens had before, and a prefix', () => {
    const before: Binding[] = [
      { command: 'gradlens.nextStep', key: 'ctrl+alt+right', mac: 'cmd+alt+right' },
      { command: 'gradlens.computeGradients', key: 'ctrl+alt+g', mac: 'cmd+alt+g' },
      { command: 'x.prefix', key: 'ctrl+k' },
    ];
    const linux = collisions(before, vscodeDefaults(repoRoot, 'linux'), 'linux');
    assert.ok(linux.some((c) => c.ours.command === 'gradlens.nextStep' && c.theirs.command === 'workbench.action.moveEditorToNextGroup' && c.kind === 'same'));
    assert.ok(linux.some((c) => c.ours.command === 'x.prefix' && c.kind === 'prefix'));
    const mac = collisions(before, vscodeDefaults(repoRoot, 'macos'), 'macos');
    assert.ok(mac.some((c) => c.ours.command === 'gradlens.nextStep' && c.theirs.command === 'workbench.action.nextEditor'));
    assert.ok(collisions(before, gitlensDefaults(repoRoot), 'macos').some((c) => c.ours.command === 'gradlens.computeGradients' && c.kind === 'prefix'), 'cmd+alt+g starts GitLens\'s chords');
    assert.deepEqual(sequence('Shift+Alt+Cmd+C  g'), ['shift+alt+meta+c', 'g']);
    // A chord beside a single key whose when clause ours rules out: side by side, as VS Code's own.
    const clear: Binding = { key: 'cmd+k', command: 'workbench.action.terminal.clear', when: 'terminalFocus && terminalHasBeenCreated || accessibleViewIsShown && x' };
    assert.equal(collisions([{ command: 'c', key: 'cmd+k g', when: 'a && !terminalFocus' }], [clear], 'linux').length, 1, 'the second alternative can hold');
    assert.equal(collisions([{ command: 'c', key: 'cmd+k g', when: 'a && !terminalFocus && !accessibleViewIsShown' }], [clear], 'linux').length, 0);
    assert.equal(collisions([{ command: 'c', key: 'cmd+k', when: 'a && !terminalFocus && !accessibleViewIsShown' }], [clear], 'linux').length, 1, 'the same key is a collision whatever the clauses');
    assert.ok(isAltGrPress('ctrl+alt+g') && isAltGrPress('ctrl+shift+alt+2') && !isAltGrPress('ctrl+alt+right') && !isAltGrPress('ctrl+k'));
  });

  test('no key is Ctrl+Alt with a character (AltGr types those on many layouts), and every key has a when clause', () => {
    for (const binding of ours) {
      for (const platform of PLATFORMS) {
        const key = keyOn(binding, platform);
        if (key && platform !== 'macos') for (const p of sequence(key)) assert.ok(!isAltGrPress(p), `${binding.command}: ${key}`);
      }
      assert.ok(binding.when && binding.when.length > 0, `${binding.command} has no when clause`);
    }
  });

  test('the global keys are Ctrl+K / ⌘K chords, each behind a context key the code sets', () => {
    for (const binding of ours.filter((b) => b.command !== 'gradlens.debugFile')) {
      assert.match(binding.key, /^ctrl\+k /, binding.command);
      assert.match(binding.mac ?? '', /^cmd\+k /, binding.command);
    }
  });
});

suite('extension: GradLens only where it applies', () => {
  test('every gradlens: context key of a when clause or a completion event is one the extension sets', () => {
    const whens = [
      ...ours.map((k) => k.when ?? ''),
      ...Object.values(manifest.contributes.menus).flat().map((m) => m.when ?? ''),
      ...Object.values(manifest.contributes.views).flat().map((v) => v.when ?? ''),
      ...manifest.contributes.walkthroughs.flatMap((w) => w.steps.flatMap((s) => s.completionEvents)),
    ];
    const keys = new Set(whens.flatMap(contextKeysIn));
    assert.ok(keys.size >= 8, [...keys].join(', '));
    for (const key of keys) assert.ok(extensionSources.includes(`'${key}'`), `${key} is never set by extension/*.ts`);
  });

  test('the editor-title button, the compute key and the palette entry only in files that import gradlens', () => {
    const title = manifest.contributes.menus['editor/title']!.find((m) => m.command === 'gradlens.computeGradients')!;
    assert.match(title.when!, /resourcePath in gradlens:programFiles/);
    assert.match(ours.find((k) => k.command === 'gradlens.computeGradients')!.when!, /resourcePath in gradlens:programFiles/);
    assert.match(manifest.contributes.menus.commandPalette!.find((m) => m.command === 'gradlens.computeGradients')!.when!, /resourcePath in gradlens:programFiles/);
  });

  test('the three Run and Debug views only once the workspace has a program or a trace', () => {
    const views = manifest.contributes.views.debug!;
    assert.equal(views.length, 3);
    for (const view of views) assert.equal(view.when, 'gradlens:hasPrograms || gradlens:hasTrace', view.id);
  });

  test('settings: each with a scope — per resource where read per file, the Node.js path per machine', () => {
    const properties = manifest.contributes.configuration.properties;
    assert.ok('gradlens.codeLens.enabled' in properties);
    for (const [key, setting] of Object.entries(properties)) {
      assert.equal(setting.scope, key === 'gradlens.nodePath' ? 'machine-overridable' : 'resource', key);
    }
  });
});

suite('extension: the Getting Started walkthrough', () => {
  const walkthrough = manifest.contributes.walkthroughs.find((w) => w.id === 'gradlens.gettingStarted')!;
  const contributed = new Set(manifest.contributes.commands.map((c) => c.command));
  const views = new Set(Object.values(manifest.contributes.views).flat().map((v) => v.id));

  test('five steps in order: an example, a gradient, backward steps, Run and Debug, gradcheck', () => {
    assert.deepEqual(walkthrough.steps.map((s) => s.id), ['example', 'compute', 'step', 'views', 'gradcheck']);
    assert.match(walkthrough.id, /^gradlens\./);
  });

  test('each step completes on a real event: a context key the code sets, or the view opening', () => {
    for (const step of walkthrough.steps) {
      assert.ok(step.completionEvents.length > 0, step.id);
      for (const event of step.completionEvents) {
        const [kind, ...rest] = event.split(':');
        const what = rest.join(':');
        if (kind === 'onContext') assert.ok(extensionSources.includes(`'${what}'`), `${step.id}: ${what} is never set`);
        else if (kind === 'onView') assert.ok(views.has(what), `${step.id}: ${what}`);
        else if (kind === 'onCommand') assert.ok(contributed.has(what), `${step.id}: ${what}`);
        else assert.fail(`${step.id}: ${event} is not an event the walkthrough can complete on here`);
      }
    }
  });

  test('its links run contributed commands (or focus a contributed view), with arguments that name examples', () => {
    for (const step of walkthrough.steps) {
      const links = [...step.description.matchAll(/\]\(command:([A-Za-z.]+)(\?[^)]*)?\)/g)];
      // VS Code renders links (as buttons on a line of their own) and nothing else of markdown here: no stray * or `.
      assert.doesNotMatch(step.description.replace(/\[[^\]]*\]\([^)]*\)/g, ''), /[*`]/, step.id);
      if (step.id === 'views') assert.deepEqual(links.map((l) => l[1]), ['gradlens.graph.focus'], 'the button opens Run and Debug with the view expanded: the step completes on it');
      assert.ok(links.length > 0, `${step.id} has a button`);
      for (const [, command, query] of links) {
        assert.ok(contributed.has(command!) || (command!.endsWith('.focus') && views.has(command!.slice(0, -'.focus'.length))), `${step.id}: ${command}`);
        if (query) {
          const args = JSON.parse(decodeURIComponent(query.slice(1))) as unknown[];
          assert.equal(command, 'gradlens.newExample');
          assert.ok(STARTER_EXAMPLES.some((e) => e.id === args[0]), String(args[0]));
        }
      }
    }
  });

  test('its media exist, ship (not in .vscodeignore), and say what they show', () => {
    const ignored = readFileSync(join(repoRoot, '.vscodeignore'), 'utf8').split('\n').filter((line) => line.startsWith('media/'));
    assert.deepEqual(ignored, ['media/gradlens-icon.svg'], 'the package leaves out only the icon\'s source drawing');
    for (const step of walkthrough.steps) {
      const path = step.media.image ?? step.media.markdown!;
      assert.ok(existsSync(join(repoRoot, path)), path);
      assert.ok(path.startsWith('media/walkthrough/'), path);
      if (step.media.image) assert.ok((step.media.altText ?? '').length > 30, `${step.id}: alt text`);
    }
  });
});

suite('extension: trace files as documents, the listing', () => {
  test('*.gradlens.json opens in the inspector by default (its view type registered by the code), and is checked against the schema as text', () => {
    const [editor] = manifest.contributes.customEditors;
    assert.equal(editor!.viewType, /export const TRACE_EDITOR_VIEW_TYPE = '([^']+)'/.exec(extensionSources)?.[1]);
    assert.deepEqual(editor!.selector, [{ filenamePattern: '*.gradlens.json' }]);
    assert.equal(editor!.priority, 'default');
    assert.ok(manifest.activationEvents.includes(`onCustomEditor:${editor!.viewType}`));
    const [validation] = manifest.contributes.jsonValidation;
    assert.deepEqual(validation, { fileMatch: '*.gradlens.json', url: './dist/trace.schema.json' });
    assert.match(readFileSync(join(repoRoot, 'scripts', 'build.mjs'), 'utf8'), /copyFileSync\(join\('protocol', 'trace\.schema\.json'\), join\('dist', 'trace\.schema\.json'\)\)/);
    assert.equal((JSON.parse(readFileSync(join(repoRoot, 'protocol', 'trace.schema.json'), 'utf8')) as { $schema: string }).$schema, 'https://json-schema.org/draft/2020-12/schema');
  });

  test('Restricted Mode: limited support (traces open, nothing runs); no virtual workspaces, and why', () => {
    assert.equal(manifest.capabilities.untrustedWorkspaces.supported, 'limited');
    assert.equal(manifest.capabilities.virtualWorkspaces?.supported, false);
    assert.match(manifest.capabilities.virtualWorkspaces!.description, /Node\.js.*disk/);
  });

  test('a listing: preview, repository, bugs, homepage, keywords, a changelog for this version', () => {
    assert.equal(manifest.preview, true);
    assert.match(manifest.repository!.url, /^https:\/\/github\.com\/[^/]+\/[^/]+\.git$/);
    assert.match(manifest.bugs!.url, /\/issues$/);
    assert.match(manifest.homepage!, /^https:\/\//);
    assert.ok(manifest.keywords!.length >= 5 && manifest.keywords!.includes('autograd'));
    const changelog = readFileSync(join(repoRoot, 'CHANGELOG.md'), 'utf8');
    assert.match(changelog, new RegExp(`^## ${manifest.version.replace(/\./g, '\\.')}\\b`, 'm'));
  });

  test('the panel\'s tab icon has a light and a dark drawing (a currentColor SVG draws black on a dark tab)', () => {
    const panel = readFileSync(join(repoRoot, 'extension', 'panel.ts'), 'utf8');
    assert.match(panel, /light: vscode\.Uri\.joinPath\(extensionUri, 'media', 'gradlens-light\.svg'\)/);
    const light = readFileSync(join(repoRoot, 'media', 'gradlens-light.svg'), 'utf8');
    const dark = readFileSync(join(repoRoot, 'media', 'gradlens-dark.svg'), 'utf8');
    for (const svg of [light, dark]) assert.doesNotMatch(svg, /currentColor/);
    const luminance = (svg: string) => { const hex = /stroke="#([0-9a-f]{6})"/i.exec(svg)![1]!; return parseInt(hex.slice(0, 2), 16) + parseInt(hex.slice(2, 4), 16) + parseInt(hex.slice(4), 16); };
    assert.ok(luminance(dark) > 3 * 0x80 && luminance(light) < 3 * 0x80, 'the dark theme\'s drawing is light and the light theme\'s dark');
  });
});
