/**
 * Command-line parsing against a small table (README "Commands"): node's `parseArgs` splits argv
 * into tokens; the table says which flags a command has, what they mean and their defaults, so the
 * help texts and the "did you mean" of an unknown flag come from the same place.
 */
import { parseArgs } from "node:util";
import { closest } from "../core/did-you-mean.js";
import { UsageError } from "../core/errors.js";

export const PROGRAM = "aliyun-response-exporter";

export interface FlagSpec {
  readonly name: string;
  readonly short?: string;
  /** The value's placeholder (`FILE`); a flag without one is a switch. */
  readonly value?: string;
  readonly help: string;
  /** How the default is shown in the help (omitted: none). */
  readonly default?: string;
  /** Accepted values, checked here so the error names the flag. */
  readonly choices?: readonly string[];
}

export interface ParsedArgs {
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
  readonly positionals: readonly string[];
}

export interface CommandSpec {
  readonly name: string;
  /** One line for the program's help. */
  readonly summary: string;
  /** What follows the flags in the usage line (`[PATH_OR_GLOB ...]`). */
  readonly operands: string;
  /** Paragraphs after the usage line in the command's own help. */
  readonly description: string;
  readonly flags: readonly FlagSpec[];
  readonly minOperands: number;
  readonly maxOperands: number;
  /** Runs until a signal: exits as soon as it is done (nothing pending may keep the process up). */
  readonly daemon?: boolean;
  run(args: ParsedArgs): Promise<number>;
}

const HELP_FLAG: FlagSpec = { name: "help", short: "h", help: "Show this help and exit." };

/** Flags with their values, checked against the command's table; a usage error names the bad word. */
export function parseCommandArgs(command: CommandSpec, argv: readonly string[]): ParsedArgs {
  const flags = [...command.flags, HELP_FLAG];
  const options: Record<string, { type: "string" | "boolean"; short?: string }> = {};
  for (const f of flags) {
    options[f.name] = {
      type: f.value === undefined ? "boolean" : "string",
      ...(f.short ? { short: f.short } : {}),
    };
  }
  const { tokens } = parseArgs({
    args: [...argv],
    options,
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  const values: Record<string, string | boolean | undefined> = {};
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === "positional") {
      positionals.push(token.value);
      continue;
    }
    if (token.kind === "option-terminator") continue;
    const spec = flags.find((f) => f.name === token.name);
    if (spec === undefined) throw unknownFlag(command, token.rawName, flags);
    if (spec.value === undefined) {
      if (token.inlineValue === true) throw usage(command, `${token.rawName} takes no value`);
      values[spec.name] = true;
      continue;
    }
    const value = token.value;
    if (value === undefined || (value.startsWith("-") && value !== "-" && token.inlineValue !== true)) {
      throw usage(command, `${token.rawName} needs a value (${spec.value})`);
    }
    if (spec.choices !== undefined && !spec.choices.includes(value)) {
      throw usage(command, `--${spec.name}: expected one of ${spec.choices.join("|")}, got "${value}"`);
    }
    values[spec.name] = value;
  }
  if (values.help !== true) {
    if (positionals.length < command.minOperands || positionals.length > command.maxOperands) {
      throw usage(command, `${command.name} takes ${operandCount(command)}`);
    }
  }
  return { values, positionals };
}

function operandCount(c: CommandSpec): string {
  if (c.maxOperands === 0) return "no arguments";
  if (c.minOperands === c.maxOperands)
    return `exactly ${c.minOperands === 1 ? "one" : c.minOperands} ${c.operands}`;
  return c.operands;
}

function unknownFlag(command: CommandSpec, raw: string, flags: readonly FlagSpec[]): UsageError {
  const guess = raw.startsWith("--")
    ? closest(
        raw.slice(2),
        flags.map((f) => f.name),
      )
    : undefined;
  const hint = guess === undefined ? "" : `, did you mean --${guess}?`;
  return usage(command, `unknown option ${raw} for ${command.name}${hint}`);
}

/** A usage error that points at the command's help. */
export function usage(command: CommandSpec | undefined, message: string): UsageError {
  const help = command === undefined ? `${PROGRAM} --help` : `${PROGRAM} ${command.name} --help`;
  return new UsageError(`${message} (see ${help})`);
}

/** The usage line, wrapped under the command name at about 100 columns. */
function usageLine(c: CommandSpec): string {
  const words = [
    ...c.flags.map((f) => (f.value === undefined ? `[--${f.name}]` : `[--${f.name} ${f.value}]`)),
  ];
  if (c.operands !== "") words.push(c.operands);
  const head = `${PROGRAM} ${c.name}`;
  const lines = [head];
  for (const w of words) {
    const last = lines.length - 1;
    if ((lines[last] as string).length + w.length + 1 > 100) lines.push(`${" ".repeat(head.length + 8)}${w}`);
    else lines[last] = `${lines[last]} ${w}`;
  }
  return lines.join("\n");
}

/** `<command> --help`: usage, what it does, every flag with its meaning and default. */
export function commandHelp(c: CommandSpec): string {
  const rows = [...c.flags, HELP_FLAG].map((f) => {
    const left = `${f.short ? `-${f.short}, ` : "    "}--${f.name}${f.value ? ` ${f.value}` : ""}`;
    const def = f.default === undefined ? "" : `\n${" ".repeat(33)}default: ${f.default}`;
    return `  ${left.padEnd(30)} ${f.help}${def}`;
  });
  return `Usage: ${usageLine(c)}\n\n${c.description}\n\nOptions:\n${rows.join("\n")}\n`;
}
