/** Replaced at build time; dev-only code sits behind `process.env.NODE_ENV !== 'production'`. */
declare const process: {env: {NODE_ENV?: string}};
