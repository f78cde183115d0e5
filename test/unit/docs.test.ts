/*
  Docs are code: every fenced code block of README.md, packages/*\/README.md
  and examples/*\/README.md is run by a test as written, or marked as an
  illustration. The marker goes on the line before the opening fence:

    <!-- test: <id> -->     a test runs the block: it calls
                            docBlock('<readme path>', '<id>') (test/lib/docs.ts);
    <!-- same-as: <path> --> the block is that repository file, byte for byte
                            (checked here), and the file is run by a test;
    <!-- fragment -->       an illustration (an excerpt, an API listing, a
                            command of this repository), not meant to run alone.

  This test fails for a block with no marker, a `test:` id no test extracts,
  a `same-as:` block that differs from its file, and a test that extracts a
  block that does not exist.
*/
import {readFileSync, readdirSync, statSync, existsSync} from 'node:fs';
import {join, relative} from 'node:path';
import {codeBlocks, docFiles, repoRoot} from '../lib/docs';
import type {CodeBlock} from '../lib/docs';

/** Test sources (`*.test.ts` and helpers under test folders), relative. */
function testSources(): string[] {
  const roots = ['test'];
  for (const parent of ['packages', 'examples']) {
    for (const name of readdirSync(join(repoRoot, parent))) {
      if (existsSync(join(repoRoot, parent, name, 'test'))) {
        roots.push(`${parent}/${name}/test`);
      }
    }
  }
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(repoRoot, dir))) {
      const path = `${dir}/${entry}`;
      if (statSync(join(repoRoot, path)).isDirectory()) {
        walk(path);
      } else if (/\.(ts|mjs|js)$/.test(entry)) {
        files.push(path);
      }
    }
  };
  roots.forEach(walk);
  // Not this test, nor the module that defines docBlock() (its comments show calls).
  return files.filter((f) => f !== relative(repoRoot, __filename) && f !== 'test/lib/docs.ts');
}

/** Which test sources extract which blocks: `file#id` → test paths. */
function extractions(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const call = /docBlock\(\s*(['"])([^'"]+)\1\s*,\s*(['"])([^'"]+)\3\s*\)/g;
  for (const source of testSources()) {
    for (const match of readFileSync(join(repoRoot, source), 'utf8').matchAll(call)) {
      const key = `${match[2]}#${match[4]}`;
      found.set(key, [...new Set([...(found.get(key) ?? []), source])]);
    }
  }
  return found;
}

const blocks: CodeBlock[] = docFiles().flatMap((file) => codeBlocks(file));
const extracted = extractions();
const where = (b: CodeBlock) => `${b.file}:${b.line} (\`\`\`${b.lang})`;

test('the docs have code blocks to check', () => {
  expect(blocks.length).toBeGreaterThan(20);
  expect(blocks.filter((b) => b.marker.kind === 'test').length).toBeGreaterThan(10);
});

test('every code block is marked <!-- test: id -->, <!-- same-as: path --> or <!-- fragment -->', () => {
  const unmarked = blocks
    .filter((b) => b.marker.kind === 'none')
    .map(
      (b) =>
        `${where(b)}: add <!-- test: <id> --> and run it in a test, or <!-- fragment --> before it`,
    );
  expect(unmarked).toEqual([]);
});

test('test ids are unique within a file', () => {
  const seen = new Set<string>();
  const duplicates: string[] = [];
  for (const b of blocks) {
    if (b.marker.kind === 'test') {
      const key = `${b.file}#${b.marker.id}`;
      if (seen.has(key)) {
        duplicates.push(key);
      }
      seen.add(key);
    }
  }
  expect(duplicates).toEqual([]);
});

const tested = blocks.filter((b) => b.marker.kind === 'test');
describe.each(
  tested.map((b) => {
    const key = `${b.file}#${(b.marker as {id: string}).id}`;
    return [key, (extracted.get(key) ?? ['NO TEST']).join(', '), b] as const;
  }),
)('%s is run by %s', (key, _tests, block) => {
  test('a test extracts it with docBlock()', () => {
    expect([key, extracted.has(key)]).toEqual([key, true]);
    expect(block.code.trim()).not.toBe('');
  });
});

const sameAs = blocks.filter((b) => b.marker.kind === 'same-as');
describe.each(sameAs.map((b) => [where(b), (b.marker as {path: string}).path, b] as const))(
  '%s is %s',
  (_where, path, block) => {
    test('byte for byte', () => {
      expect(existsSync(join(repoRoot, path))).toBe(true);
      expect(block.code).toBe(readFileSync(join(repoRoot, path), 'utf8'));
    });
  },
);

test('every docBlock() in a test names a marked block', () => {
  const ids = new Set(tested.map((b) => `${b.file}#${(b.marker as {id: string}).id}`));
  const dangling = [...extracted.entries()]
    .filter(([key]) => !ids.has(key))
    .map(
      ([key, sources]) =>
        `${sources.join(', ')}: docBlock() of ${key}, which no block is marked as`,
    );
  expect(dangling).toEqual([]);
});
