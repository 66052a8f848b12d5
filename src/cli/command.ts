/** The declarative command tree every `goodput` command is written in. */

export interface OptionSpec {
  readonly type: "string" | "boolean";
  readonly description: string;
  /** Placeholder shown in help, e.g. "LIST" or "FILE". */
  readonly valueName?: string;
  readonly multiple?: boolean;
  readonly short?: string;
}

export type OptionValues = Readonly<Record<string, string | boolean | string[] | undefined>>;

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Whether stderr is a terminal: progress lines are drawn only there (absent → not a terminal). */
  readonly stderrIsTty?: boolean;
}

export interface CommandContext {
  readonly values: OptionValues;
  readonly positionals: readonly string[];
  readonly io: CliIo;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** What a command produced: machine-readable JSON and the human-readable text. */
export interface CommandResult {
  readonly json: unknown;
  readonly text: string;
  /**
   * What `--report FILE` builds from when the report needs more than `--json` prints (e.g. the decision record beside
   * an experiment's matrix rows, or the SLO a roofline was judged by); absent → the report is built from `json`.
   */
  readonly reportInput?: unknown;
  /** Exit code when the command ran but failed (e.g. bench: no request succeeded); default 0. */
  readonly exitCode?: number;
}

export interface CommandSpec {
  readonly name: string;
  readonly summary: string;
  readonly description?: string;
  /** Positional arguments, as shown in the usage line (e.g. "FILE"). */
  readonly positionals?: string;
  readonly options?: Readonly<Record<string, OptionSpec>>;
  readonly examples?: readonly string[];
  readonly subcommands?: readonly CommandSpec[];
  readonly run?: (context: CommandContext) => CommandResult | Promise<CommandResult>;
}

/** Options every command accepts. `--json` only on commands that print results (those with `run`). */
export const globalOptions: Readonly<Record<string, OptionSpec>> = {
  help: { type: "boolean", short: "h", description: "Show help for this command" },
  verbose: { type: "boolean", description: "Show stack traces on errors" },
};

export const resultOptions: Readonly<Record<string, OptionSpec>> = {
  json: { type: "boolean", description: "Print machine-readable JSON instead of tables" },
  report: { type: "string", valueName: "FILE", description: "Also write a report: FILE.html (self-contained page, charts inline) or FILE.md" },
};
