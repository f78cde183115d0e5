/*
  The command line of every example's serve.mjs:

    node examples/<name>/serve.mjs [--port 8080] [--control-port 8081]
        [--throttle 2MB|off] [--production] [--quiet]

  Environment: PORT, CONTROL_PORT, THROTTLE work like the flags.
  Prints the site's URL on a line starting with "  open" and the control
  server's on a line starting with "  controls"; stops on Ctrl-C / SIGTERM.
*/
import {formatRate, startExampleServer} from '../index.mjs';

const USAGE = `Options:
  --port N           site port (default 8080, or a free one when busy; 0: any free port)
  --control-port N   control server port (default: site port + 1)
  --throttle RATE    bandwidth of the whole site: 2MB, 512KB, off (default: the example's)
  --production       production builds of the libraries (no logs in the consoles)
  --quiet            do not print the requests that carry a Range or were cut
  --help             this text`;

/** Parses the example flags (see the module comment). */
export function parseArgs(argv, env = process.env) {
  const out = {
    port: env.PORT !== undefined ? Number(env.PORT) : undefined,
    controlPort: env.CONTROL_PORT !== undefined ? Number(env.CONTROL_PORT) : undefined,
    throttle: env.THROTTLE,
    mode: 'development',
    quiet: false,
    help: false,
    positional: [],
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.includes('=') ? arg.split(/=(.*)/s) : [arg, undefined];
    const value = () => {
      if (inline !== undefined) return inline;
      if (i + 1 >= argv.length) throw new Error(`${flag} needs a value`);
      return argv[++i];
    };
    switch (flag) {
      case '--port':
        out.port = Number(value());
        break;
      case '--control-port':
        out.controlPort = Number(value());
        break;
      case '--throttle':
        out.throttle = value();
        break;
      case '--production':
        out.mode = 'production';
        break;
      case '--quiet':
        out.quiet = true;
        break;
      case '--help':
      case '-h':
        out.help = true;
        break;
      default:
        if (!arg.startsWith('-')) {
          out.positional.push(arg);
          break;
        }
        throw new Error(`unknown option ${arg}\n${USAGE}`);
    }
  }
  for (const key of ['port', 'controlPort']) {
    if (
      out[key] !== undefined &&
      !(Number.isInteger(out[key]) && out[key] >= 0 && out[key] < 65536)
    ) {
      throw new Error(`--${key === 'port' ? 'port' : 'control-port'} must be a port number`);
    }
  }
  return out;
}

export {USAGE};

/**
 * Builds and serves one example until Ctrl-C.
 *
 * @param {object} example
 * @param {string} example.name e.g. 'podcast'
 * @param {string} example.title One line saying what the example shows.
 * @param {string} [example.defaultThrottle] e.g. '2MB' (default: none).
 * @param {string[]} [example.notes] More lines to print under the URL.
 * @param {(options: {mode: string, log: (line: string) => void, args: object}) => Promise<string>} example.prepare
 *   Generates and builds the site; resolves with the directory to serve.
 */
export async function runExample(example) {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error(error.message);
    process.exit(2);
  }
  if (args.help) {
    console.log(`Serves the ${example.name} example: ${example.title}\n\n${USAGE}`);
    return;
  }
  const log = (line) => console.log(line);
  const started = Date.now();
  const siteDir = await example.prepare({mode: args.mode, log, args});
  let server;
  try {
    server = await startExampleServer({
      name: example.name,
      siteDir,
      port: args.port,
      controlPort: args.controlPort,
      throttle: args.throttle ?? example.defaultThrottle ?? null,
      log: !args.quiet,
    });
  } catch (error) {
    if (error.code === 'EADDRINUSE') {
      console.error(
        `Port ${error.port} on 127.0.0.1 is in use: pick another with --port N / --control-port N ` +
          `(0: any free port), or stop what uses it.`,
      );
    } else {
      console.error(error.message ?? error);
    }
    process.exit(1);
  }
  const state = server.state();
  console.log(`
workbox-background-fetch · ${example.name} example (ready in ${((Date.now() - started) / 1000).toFixed(1)} s)
  ${example.title}

  open      ${server.origin}/
  controls  ${server.controlOrigin}/   (the same controls are in the bar at the bottom of the page)
  throttle  ${formatRate(state.throttle)} (change it in the page, or start with --throttle 8MB / off)
${(example.notes ?? []).map((line) => `  ${line}`).join('\n')}
  Ctrl-C stops the server. Requests with a Range header, and cut ones, are printed below.
`);
  let closing = false;
  const stop = async () => {
    if (closing) return;
    closing = true;
    await server.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return server;
}
