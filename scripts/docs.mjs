#!/usr/bin/env node
/*
  Typed reference docs of the public packages with TypeDoc, into docs/api/
  (one section per package, from each package's src/index.ts and its own
  tsconfig.json; private `_` members and `@private` symbols left out).

    node scripts/docs.mjs            # docs/api/index.html
    node scripts/docs.mjs --json     # also docs/api/api.json (TypeDoc's JSON model)

  Needs TypeDoc (a devDependency, not installed by default):
    npm install -D typedoc@^0.28.20    # 0.28 supports TypeScript 5.0–5.9 and 6.0
*/
import {existsSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'docs', 'api');

/** The packages whose API is documented (the CLI is a command: see its README). */
const PACKAGES = [
  'packages/workbox-background-fetch',
  'packages/workbox-background-fetch-window',
  'packages/workbox-background-fetch-build',
];

let typedoc;
try {
  typedoc = await import('typedoc');
} catch {
  console.error(
    'scripts/docs.mjs: TypeDoc is not installed. Install it once with\n' +
      '  npm install -D typedoc@^0.28.20\n' +
      'then run this script again.',
  );
  process.exit(1);
}

const entryPoints = PACKAGES.filter((dir) => existsSync(join(root, dir, 'src', 'index.ts')));
const app = await typedoc.Application.bootstrapWithPlugins({
  name: 'workbox-background-fetch',
  entryPoints: entryPoints.map((dir) => join(root, dir)),
  entryPointStrategy: 'packages',
  packageOptions: {
    entryPoints: ['src/index.ts'],
    excludePrivate: true,
    excludeInternal: true,
    excludeExternals: true,
    readme: 'none',
    // No git remote to link sources to.
    disableSources: true,
  },
  readme: join(root, 'README.md'),
  out,
  excludePrivate: true,
  excludeInternal: true,
  // The protocol and helper modules are documented in the package READMEs.
  validation: {notExported: false, invalidLink: true, notDocumented: false},
  disableSources: true,
  githubPages: false,
  hideGenerator: true,
});

const project = await app.convert();
if (!project) {
  console.error('scripts/docs.mjs: TypeDoc could not convert the packages (see the errors above).');
  process.exit(1);
}
app.validate(project);
await app.generateDocs(project, out);
if (process.argv.includes('--json')) {
  await app.generateJson(project, join(out, 'api.json'));
}
if (app.logger.hasErrors()) {
  process.exit(1);
}
console.log(`docs/api/index.html (${entryPoints.map((dir) => dir.split('/').pop()).join(', ')})`);
