import type {Config} from 'jest';

const tsJest: [string, Record<string, unknown>] = [
  'ts-jest',
  {tsconfig: '<rootDir>/tsconfig.json', diagnostics: false},
];

/**
 * Workbox's packages ship ES modules only: the unit tests of the code that
 * imports them (the logger, routing, strategies) get them as CommonJS.
 */
const workboxEsm: [string, Record<string, unknown>] = [
  'ts-jest',
  {tsconfig: {allowJs: true, module: 'CommonJS', target: 'ES2022'}, diagnostics: false},
];

const shared = {
  transform: {'^.+\\.ts$': tsJest},
  moduleNameMapper: {'^(\\.{1,2}/.*)\\.js$': '$1'},
  testEnvironment: 'node',
};

/**
 * Two projects:
 * - `unit`: pure logic (parsing, planning, state transitions, option checks,
 *   build and CLI output) in Node.
 * - `browser`: service-worker behaviour in Debian's real Chromium, Firefox ESR
 *   and WebKitGTK against a real HTTP server on 127.0.0.1. Run in band: two
 *   cores do not fit two browsers at once.
 */
const config: Config = {
  projects: [
    {
      ...shared,
      displayName: 'unit',
      transform: {...shared.transform, '/node_modules/workbox-[a-z-]+/.+\\.js$': workboxEsm},
      transformIgnorePatterns: ['/node_modules/(?!workbox-[a-z-]+/)'],
      moduleNameMapper: {
        ...shared.moduleNameMapper,
        // The page package's tests run against the runtime's source, not its build.
        '^workbox-background-fetch/(internal|types)$':
          '<rootDir>/packages/workbox-background-fetch/src/$1.ts',
      },
      testMatch: [
        '<rootDir>/packages/*/test/unit/**/*.test.ts',
        '<rootDir>/test/unit/**/*.test.ts',
      ],
    },
    {
      ...shared,
      displayName: 'browser',
      testMatch: [
        '<rootDir>/packages/*/test/browser/**/*.test.ts',
        '<rootDir>/examples/*/test/browser/**/*.test.ts',
        '<rootDir>/test/browser/**/*.test.ts',
      ],
      slowTestThreshold: 60,
    },
  ],
};

export default config;
