/**
 * Python's sys as the servers' main blocks use it (`sys.argv`, `sys.exit(message)`), and the error
 * the importer throws. Like Python's, `sys.exit` raises: it throws SystemExit, and the stage ends
 * the process. The library never does.
 */

/** Python's SystemExit: what sys.exit(message) raises. */
export class SystemExit extends Error {
  override name = 'SystemExit';

  /** Its message alone, as Python prints it. */
  override toString(): string {
    return this.message;
  }
}

/** An application that cannot be found or loaded, named as Python names the error (ModuleNotFoundError...). */
export class LoadError extends Error {
  constructor(
    readonly pythonName: string,
    message: string,
  ) {
    super(message);
    this.name = pythonName;
  }
}

/** Python's sys.argv: the script, then its arguments (without the `--` that `pnpm start -- x` passes on). */
const argv: string[] = [
  process.argv[1] ?? 'node',
  ...process.argv.slice(2).filter((arg, i) => !(i === 0 && arg === '--')),
];

/** Python's sys.exit(message): raises SystemExit(message). */
function exit(message: string): never {
  throw new SystemExit(message);
}

export const sys = { argv, exit };
