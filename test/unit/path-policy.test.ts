// Which files a trace may make GradLens open or run: plain absolute paths only, and for a trace read
// from a file, only under the allowed folders.
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkTracePath } from '../../extension/pathPolicy';

suite('path policy', () => {
  let root: string;
  let workspace: string;
  suiteSetup(() => {
    root = mkdtempSync(join(tmpdir(), 'gradlens-paths-'));
    workspace = join(root, 'workspace');
    mkdirSync(join(workspace, 'src'), { recursive: true });
    writeFileSync(join(workspace, 'src', 'model.ts'), '');
    writeFileSync(join(root, 'outside.ts'), '');
    symlinkSync(join(root, 'outside.ts'), join(workspace, 'link-out.ts'));
  });
  suiteTeardown(() => rmSync(root, { recursive: true, force: true }));

  const reason = (file: unknown, roots: string[] | null, platform: NodeJS.Platform = 'linux') => {
    const checked = checkTracePath(file, { roots, platform });
    return checked.ok ? 'ok' : checked.reason;
  };

  test('a file under an allowed folder is opened; one outside, or a link out of it, is not', () => {
    assert.equal(reason(join(workspace, 'src', 'model.ts'), [workspace]), 'ok');
    assert.match(reason('/etc/passwd', [workspace]), /outside the workspace/);
    assert.match(reason(join(root, 'outside.ts'), [workspace]), /outside/);
    assert.match(reason(join(workspace, 'link-out.ts'), [workspace]), /outside/, 'a symbolic link is judged by where it leads');
    assert.equal(reason(join(root, 'outside.ts'), [workspace, root]), 'ok');
  });

  test('names that are not plain absolute paths are refused, whatever the folders', () => {
    assert.match(reason(`${workspace}/src/../../outside.ts`, null), /climbs/);
    assert.match(reason('src/model.ts', null), /not absolute/);
    assert.match(reason('command:workbench.action.terminal.new', null), /URI/);
    assert.match(reason('file:///etc/passwd', null), /URI/);
    assert.match(reason('vscode-remote://host/etc/passwd', null), /URI/);
    assert.match(reason('', null), /no file/);
    assert.match(reason(42, null), /no file/);
    assert.match(reason('/a\u0000b', null), /not a file name/);
    assert.equal(reason('/any/where.ts', null), 'ok', 'a trace of a run here may name any program file');
  });

  test('Windows: UNC and device paths refused, drive letters accepted, folders compared without case', () => {
    assert.match(reason('\\\\server\\share\\x.ts', null, 'win32'), /UNC/);
    assert.match(reason('//server/share/x.ts', null, 'win32'), /UNC/);
    assert.match(reason('\\\\?\\C:\\x.ts', null, 'win32'), /UNC/);
    assert.equal(reason('C:\\work\\x.ts', null, 'win32'), 'ok');
    assert.equal(reason('c:\\Work\\Src\\x.ts', ['C:\\work'], 'win32'), 'ok');
    assert.match(reason('D:\\other\\x.ts', ['C:\\work'], 'win32'), /outside/);
    assert.match(reason('C:\\work\\..\\secret.ts', ['C:\\work'], 'win32'), /climbs/);
  });
});
