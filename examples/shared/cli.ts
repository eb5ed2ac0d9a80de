/** A small command-line parser for the examples, and the one way they stop on bad input. */

export type Flags = Record<string, string | boolean>;

/** `--name value`, `--name=value` and bare `--flag` (true); an option not in `known` is an error. */
export function parseFlags(argv: readonly string[], known: readonly string[]): Flags {
  const flags: Flags = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) fail(`unexpected argument '${arg}' (options start with --; try --help)`);
    const eq = arg.indexOf('=');
    if (eq > 0) flags[arg.slice(2, eq)] = arg.slice(eq + 1);
    else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) flags[arg.slice(2)] = argv[++i];
    else flags[arg.slice(2)] = true;
  }
  for (const name of Object.keys(flags)) {
    if (name !== 'help' && !known.includes(name))
      fail(`unknown option --${name} (known: ${known.map((k) => `--${k}`).join(', ')})`);
  }
  return flags;
}

export function numberFlag(flags: Flags, name: string, fallback: number): number {
  const v = flags[name];
  if (v === undefined) return fallback;
  const n = Number(v);
  if (typeof v !== 'string' || !Number.isFinite(n)) fail(`--${name} expects a number, got '${String(v)}'`);
  return n;
}

export function stringFlag(flags: Flags, name: string): string | undefined {
  const v = flags[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') fail(`--${name} expects a value`);
  return v;
}

/** An error the user can act on: printed as one message, exit code 1, no stack trace. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export function fail(message: string): never {
  throw new UsageError(message);
}

/** Runs an example's main function, turning errors into one clear message and a non-zero exit code. */
export async function runMain(main: () => Promise<void> | void): Promise<void> {
  try {
    await main();
  } catch (e) {
    const err = e as Error;
    console.error(`error: ${err.message}`);
    if (!(err instanceof UsageError) && process.env.KINDLING_DEBUG) console.error(err.stack);
    process.exitCode = 1;
  }
}
