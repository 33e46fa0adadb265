// Tokenizes every examples/*.rules with the rulec TextMate grammar and
// compares the scopes with test/snapshots/<file>.scopes; then checks a few
// facts about small inputs. `UPDATE=1 npm test` rewrites the snapshots.
'use strict';
const fs = require('fs');
const path = require('path');
const assert = require('assert');
const vsctm = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

const root = path.join(__dirname, '..');
const examples = path.join(root, '..', '..', 'examples');
const snapshots = path.join(__dirname, 'snapshots');
const grammarPath = path.join(root, 'syntaxes', 'rulec.tmLanguage.json');
const update = process.env.UPDATE === '1';

async function loadGrammar() {
  const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm')).buffer;
  await oniguruma.loadWASM(wasm);
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName) =>
      scopeName === 'source.rulec'
        ? vsctm.parseRawGrammar(fs.readFileSync(grammarPath, 'utf8'), grammarPath)
        : null,
  });
  return registry.loadGrammar('source.rulec');
}

// [{line, text, scopes}] for every token that has a scope besides the root.
function tokenize(grammar, source) {
  const out = [];
  let state = vsctm.INITIAL;
  source.split(/\r?\n/).forEach((line, i) => {
    const r = grammar.tokenizeLine(line, state);
    for (const t of r.tokens) {
      const text = line.slice(t.startIndex, t.endIndex);
      const scopes = t.scopes.slice(1);
      if (scopes.length === 0 && text.trim() === '') continue;
      out.push({ line: i + 1, text, scopes });
    }
    state = r.ruleStack;
  });
  return out;
}

function render(tokens) {
  return tokens
    .map((t) => `${t.line}\t${JSON.stringify(t.text)}\t${t.scopes.join(' ') || '-'}`)
    .join('\n') + '\n';
}

let failures = 0;
function check(name, fn) {
  try {
    fn();
    console.log(`ok   ${name}`);
  } catch (e) {
    failures++;
    console.log(`FAIL ${name}\n     ${e.message.split('\n').join('\n     ')}`);
  }
}

// The scopes of the token(s) that cover exactly `text` on the first line
// of `source` where it occurs.
function scopesOf(grammar, source, text) {
  const toks = tokenize(grammar, source);
  const hit = toks.find((t) => t.text.trim() === text);
  assert.ok(hit, `no token ${JSON.stringify(text)} in ${JSON.stringify(source)}; tokens: ${JSON.stringify(toks.map((t) => t.text))}`);
  return hit.scopes;
}
function has(scopes, prefix) {
  return scopes.some((s) => s === prefix || s.startsWith(prefix + '.'));
}

(async () => {
  const grammar = await loadGrammar();

  check('the committed grammar JSON is what syntaxes/build.js writes', () => {
    const built = require('../syntaxes/build.js').text;
    assert.strictEqual(fs.readFileSync(grammarPath, 'utf8'), built, 'run `npm run build-grammar`');
  });

  const files = fs.readdirSync(examples).filter((f) => f.endsWith('.rules')).sort();
  assert.ok(files.length > 0, 'no examples/*.rules');
  for (const f of files) {
    check(`snapshot ${f}`, () => {
      const got = render(tokenize(grammar, fs.readFileSync(path.join(examples, f), 'utf8')));
      const snap = path.join(snapshots, f.replace(/\.rules$/, '.scopes'));
      if (update) {
        fs.writeFileSync(snap, got);
        return;
      }
      assert.ok(fs.existsSync(snap), `no snapshot ${snap}; run UPDATE=1 npm test`);
      const want = fs.readFileSync(snap, 'utf8');
      if (got !== want) {
        const g = got.split('\n'), w = want.split('\n');
        const i = g.findIndex((l, k) => l !== w[k]);
        assert.fail(`differs from ${path.relative(root, snap)} at line ${i + 1}:\n  want ${w[i]}\n  got  ${g[i]}`);
      }
    });
  }

  const inclusion = (body) => `inclusion {\n  ${body}\n}`;

  check('a comment line is a comment', () => {
    const s = scopesOf(grammar, '# screening visit and index', 'screening visit and index');
    assert.ok(has(s, 'comment.line.number-sign'), s.join(' '));
  });
  check('a comment after code is a comment', () => {
    const s = scopesOf(grammar, 'define adult: age >= 18 years # the protocol', 'the protocol');
    assert.ok(has(s, 'comment.line'), s.join(' '));
  });
  check('a string is a string', () => {
    const s = scopesOf(grammar, 'trial "NCT00000000" "An example trial"', 'An example trial');
    assert.ok(has(s, 'string.quoted.double'), s.join(' '));
  });
  check('# inside a string is not a comment', () => {
    const src = inclusion('consent "Informed consent # signed": informed_consent');
    const toks = tokenize(grammar, src);
    const hash = toks.find((t) => t.text.includes('#'));
    assert.ok(hash, 'no token with #');
    assert.ok(has(hash.scopes, 'string.quoted.double'), hash.scopes.join(' '));
    assert.ok(!hash.scopes.some((x) => x.startsWith('comment')), hash.scopes.join(' '));
    const after = toks.find((t) => t.text.trim() === "informed_consent");
    assert.ok(after && !after.scopes.some((x) => x.startsWith('comment') || x.startsWith('string')), 'text after the string is code');
  });
  check('string escapes \\" and \\\\ do not end the string', () => {
    const toks = tokenize(grammar, 'trial "NCT1" "Say \\"hi\\" \\\\ # bye"');
    const esc = toks.filter((t) => has(t.scopes, 'constant.character.escape'));
    assert.deepStrictEqual(esc.map((t) => t.text), ['\\"', '\\"', '\\\\']);
    const hash = toks.find((t) => t.text.includes('#'));
    assert.ok(has(hash.scopes, 'string.quoted.double'), hash.scopes.join(' '));
  });
  check('80 g/L is a number and a unit', () => {
    const src = inclusion('hb: hemoglobin > 80 g/L');
    assert.ok(has(scopesOf(grammar, src, '80'), 'constant.numeric'));
    assert.ok(has(scopesOf(grammar, src, 'g/L'), 'keyword.other.unit'));
  });
  for (const unit of ['10^9/L', 'x 10^9/L', 'mL/min/{1.73_m2}', 'mm[Hg]', '%', 'years', 'mL/min/1.73 m2']) {
    check(`${unit} after a number is one unit token`, () => {
      const s = scopesOf(grammar, inclusion(`c: v >= 1.5 ${unit}`), unit);
      assert.ok(has(s, 'keyword.other.unit'), s.join(' '));
    });
  }
  check('2.5 x ULN is a number, a multiple and a constant, not a unit', () => {
    const src = inclusion('alt_ok: alt < 2.5 x ULN');
    assert.ok(has(scopesOf(grammar, src, '2.5'), 'constant.numeric'));
    assert.ok(has(scopesOf(grammar, src, 'ULN'), 'constant.language'));
    assert.ok(!tokenize(grammar, src).some((t) => has(t.scopes, 'keyword.other.unit')), 'a unit token');
  });
  check('both ends of a range are numbers, with their units', () => {
    const src = 'fields {\n  gvhd: integer 0..4\n}\nexample "e" {\n  ast: 28 U/L, normal range 10 U/L..40 U/L\n}';
    const toks = tokenize(grammar, src);
    const nums = toks.filter((t) => has(t.scopes, 'constant.numeric')).map((t) => t.text);
    assert.deepStrictEqual(nums, ['0', '4', '28', '10', '40']);
    const units = toks.filter((t) => has(t.scopes, 'keyword.other.unit')).map((t) => t.text);
    assert.deepStrictEqual(units, ['U/L', 'U/L', 'U/L']);
  });
  check('a reserved word after a number is not a unit', () => {
    const src = inclusion('adult: age >= 18 and consent');
    const s = scopesOf(grammar, src, 'and');
    assert.ok(has(s, 'keyword.control'), s.join(' '));
    assert.ok(!has(s, 'keyword.other.unit'), s.join(' '));
  });
  check('reserved words get a keyword scope', () => {
    for (const w of ['and', 'or', 'not', 'between', 'within', 'where']) {
      const s = scopesOf(grammar, inclusion(`c: a ${w} b`), w);
      assert.ok(has(s, 'keyword.control'), `${w}: ${s.join(' ')}`);
    }
  });
  check('a name that starts with a reserved word is not a keyword', () => {
    const s = scopesOf(grammar, inclusion('c: index_date > in_range'), 'index_date');
    assert.ok(!s.some((x) => x.startsWith('keyword') || x.startsWith('constant')), s.join(' '));
  });
  check('a criterion id at the start of its line', () => {
    const s = scopesOf(grammar, inclusion('hepatic "ALT < 3 x ULN": alt < 3 x ULN'), 'hepatic');
    assert.ok(has(s, 'entity.name.function.criterion'), s.join(' '));
    const t = scopesOf(grammar, inclusion('adult: age >= 18 years'), 'adult');
    assert.ok(has(t, 'entity.name.function.criterion'), t.join(' '));
  });
  check('type words in fields, members in braces', () => {
    const src = 'fields {\n  sex: one of { male, female }\n  hb: g/L with normal range\n  n: integer\n}';
    assert.ok(has(scopesOf(grammar, src, 'one of'), 'storage.type'));
    assert.ok(has(scopesOf(grammar, src, 'male'), 'constant.other.member'));
    assert.ok(has(scopesOf(grammar, src, 'g/L'), 'keyword.other.unit'));
    assert.ok(has(scopesOf(grammar, src, 'integer'), 'storage.type'));
    assert.ok(has(scopesOf(grammar, src, 'sex'), 'variable.other.field'));
  });
  check('a clinical formula before ( is a function', () => {
    const s = scopesOf(grammar, 'define c: crcl_cockcroft_gault(age, weight, creatinine, sex)', 'crcl_cockcroft_gault');
    assert.ok(has(s, 'support.function'), s.join(' '));
  });
  check('cohort and example are keywords only at the start of a line', () => {
    assert.ok(has(scopesOf(grammar, 'cohort a "A" {\n}', 'cohort'), 'keyword.other.item'));
    const s = scopesOf(grammar, inclusion('c: cohort > 1'), 'cohort');
    assert.ok(!s.some((x) => x.startsWith('keyword')), s.join(' '));
  });

  if (update) console.log('snapshots written');
  if (failures > 0) {
    console.log(`${failures} failed`);
    process.exit(1);
  }
  console.log('all passed');
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
