/*
  Code blocks of the Markdown docs, for the tests that run them and for the
  docs test that checks every block is run or marked as a fragment.

  The marker is an HTML comment on the line right before a block's opening
  fence (blank lines between are allowed):

    <!-- test: way1-sw -->       a test extracts this block by its id with
                                 docBlock('README.md', 'way1-sw') and runs it;
    <!-- same-as: examples/vite/vite.config.js -->
                                 the block is that file of the repository, byte
                                 for byte (the docs test compares them), and
                                 that file is run by the example's own test or
                                 build;
    <!-- fragment -->            an illustration, not meant to run as it is.

  Ids are unique within a file. See test/unit/docs.test.ts.
*/
import {existsSync, readFileSync, readdirSync} from 'node:fs';
import {join} from 'node:path';

/** The repository root. */
export const repoRoot = join(__dirname, '..', '..');

/** What the comment before a block says. */
export type BlockMarker =
  | {kind: 'test'; id: string}
  | {kind: 'same-as'; path: string}
  | {kind: 'fragment'}
  | {kind: 'none'};

/** A fenced code block of a Markdown file. */
export interface CodeBlock {
  /** Repository-relative path of the Markdown file. */
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** The info string's first word (`js`, `sh`, …), or ''. */
  lang: string;
  /** The block's text, with a final newline. */
  code: string;
  marker: BlockMarker;
}

const MARKER = /^<!--\s*(test:\s*([\w./-]+)|same-as:\s*([\w./@-]+)|fragment)\s*-->\s*$/;

function parseMarker(line: string | undefined): BlockMarker {
  const match = line === undefined ? null : MARKER.exec(line.trim());
  if (!match) {
    return {kind: 'none'};
  }
  if (match[2]) {
    return {kind: 'test', id: match[2]};
  }
  if (match[3]) {
    return {kind: 'same-as', path: match[3]};
  }
  return {kind: 'fragment'};
}

/**
 * Every fenced code block (``` or ~~~, not indented more than 3 spaces) of
 * a Markdown file, with the marker before it.
 *
 * @param file Repository-relative path.
 */
export function codeBlocks(file: string): CodeBlock[] {
  const lines = readFileSync(join(repoRoot, file), 'utf8').split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^( {0,3})(`{3,}|~{3,})\s*([^\s`]*)/.exec(lines[i]);
    if (!open) {
      continue;
    }
    const [, indent, fence, lang] = open;
    let previous = i - 1;
    while (previous >= 0 && lines[previous].trim() === '') {
      previous--;
    }
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const close = new RegExp(`^ {0,3}${fence[0]}{${fence.length},}\\s*$`);
      if (close.test(lines[j])) {
        break;
      }
      body.push(lines[j].startsWith(indent) ? lines[j].slice(indent.length) : lines[j]);
    }
    blocks.push({
      file,
      line: i + 1,
      lang,
      code: `${body.join('\n')}\n`,
      marker: parseMarker(previous >= 0 ? lines[previous] : undefined),
    });
    i = j;
  }
  return blocks;
}

/**
 * The block marked `<!-- test: <id> -->` in `file`; throws when there is
 * none (the docs changed: update the test or the marker).
 */
export function docBlock(file: string, id: string): string {
  const found = codeBlocks(file).filter((b) => b.marker.kind === 'test' && b.marker.id === id);
  if (found.length !== 1) {
    throw new Error(
      `${file}: expected one code block marked <!-- test: ${id} -->, found ${found.length}`,
    );
  }
  return found[0].code;
}

/**
 * The inline code span right after `label` in `file` (for one-line files
 * that the prose gives inline, e.g. "`public/index.html`: `<progress …>`").
 */
export function inlineCodeAfter(file: string, label: string): string {
  const text = readFileSync(join(repoRoot, file), 'utf8');
  const at = text.indexOf(label);
  const match = at < 0 ? null : /^[^`]*`([^`]+)`/.exec(text.slice(at + label.length));
  if (!match) {
    throw new Error(`${file}: no inline code after ${JSON.stringify(label)}`);
  }
  return match[1];
}

/** The Markdown files whose blocks the docs test checks. */
export function docFiles(): string[] {
  const files = ['README.md'];
  for (const parent of ['packages', 'examples']) {
    for (const name of readdirSync(join(repoRoot, parent)).sort()) {
      if (existsSync(join(repoRoot, parent, name, 'README.md'))) {
        files.push(`${parent}/${name}/README.md`);
      }
    }
  }
  return files;
}
