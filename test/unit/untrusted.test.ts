// Text from outside (traces, program output, file names) in each kind of place VS Code shows text:
// nothing it holds can become a link, an icon, markdown or a reordering of what is around it.
import { strict as assert } from 'node:assert';
import { DISPLAY_LIMIT, hasHiddenCharacters, visible } from '../../protocol/display';
import { iconSafeText, markdownText, notificationLinks, notificationText, plainText, safe } from '../../extension/untrusted';

const LINK = '[Open terminal](command:workbench.action.terminal.new)';

suite('text from outside', () => {
  test('visible(): bidi, zero-width and control characters become escapes; ordinary text stays', () => {
    assert.equal(visible('g\u202Enp.exe'), 'g\\u202Enp.exe');
    assert.equal(visible('a\u200Bb\u2066c\u2069'), 'a\\u200Bb\\u2066c\\u2069');
    assert.equal(visible('nul\u0000 bell\u0007 del\u007F csi\u009B'), 'nul\\u0000 bell\\u0007 del\\u007F csi\\u009B');
    assert.equal(visible('line\nnext\ttab'), 'line\\u000Anext\\u0009tab');
    assert.equal(visible('line\nnext\ttab', { multiline: true }), 'line\nnext\ttab');
    assert.equal(visible('tag\u{E0041}'), 'tag\\u{E0041}');
    assert.equal(visible('Δw = 损失 · ∇ 😀'), 'Δw = 损失 · ∇ 😀');
    assert.equal(hasHiddenCharacters('plain'), false);
    assert.equal(hasHiddenCharacters('a\u202Eb'), true);
    assert.equal(hasHiddenCharacters('a\nb', true), false);
  });

  test('visible(): long text is cut at the limit with its length said, never inside a surrogate pair', () => {
    const long = 'x'.repeat(DISPLAY_LIMIT + 10);
    assert.equal(visible(long), `${'x'.repeat(DISPLAY_LIMIT)}… (${(DISPLAY_LIMIT + 10).toLocaleString('en-US')} characters)`);
    assert.equal(visible('😀😀', { limit: 3 }), '😀… (4 characters)');
    assert.equal(visible('short', { limit: 5 }), 'short');
  });

  test('notifications: VS Code finds no link in what GradLens shows', () => {
    assert.deepEqual(notificationLinks(`GradLens: ${LINK}`), ['command:workbench.action.terminal.new'], 'the check sees a link');
    for (const hostile of [LINK, `[a](file:///etc/passwd)`, `[b]  (https://example.com)`, `[c](command:x?${encodeURIComponent('["a"]')} "title")`, '[[nested](command:y)](command:z)']) {
      const shown = notificationText(hostile);
      assert.deepEqual(notificationLinks(shown), [], shown);
      assert.ok(shown.includes('command:') || shown.includes('file:') || shown.includes('https:'), 'the text is still shown');
    }
    assert.deepEqual(notificationLinks(safe.notification`GradLens: ${LINK} is not a trace: ${'"format" is "' + LINK + '"'}`), []);
    assert.equal(safe.notification`GradLens: ${'g\u202Enp.exe'} failed`, 'GradLens: g\\u202Enp.exe failed');
  });

  test('icons: $(…) from outside is escaped as VS Code reads it; ours stays', () => {
    assert.equal(iconSafeText('$(debug-start) run'), '\\$(debug-start) run');
    assert.equal(safe.icons`$(graph) ${'x.grad = $(flame)'}`, '$(graph) x.grad = \\$(flame)');
  });

  test('markdown: every character markdown or HTML reads is escaped', () => {
    const escaped = markdownText(`**bold** ${LINK} <img src=x onerror=alert(1)> \`code\` $(icon) &amp;`);
    assert.doesNotMatch(escaped, /(?<!\\)[[\]()<>`*$&]/, escaped);
    assert.equal(safe.markdown`value: ${'_x_'}`, 'value: \\_x\\_');
  });

  test('plain text places: visible only', () => {
    assert.equal(plainText(`${LINK}\u202E`), `${LINK}\\u202E`);
    assert.equal(safe.plain`${'a\u0000'} = ${'b'}`, 'a\\u0000 = b');
  });
});
