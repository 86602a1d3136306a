#!/usr/bin/env node
/**
 * argv → command (README "Commands"). The only place that exits: 0 ok, 1 runtime failure, 2 bad
 * usage or config. A bare word that is neither a command nor an existing path is a usage error
 * with a suggestion, never silently a glob for `run`.
 */
import { existsSync } from "node:fs";
import { commandHelp, PROGRAM, parseCommandArgs, usage } from "./cli/args.js";
import { COMMANDS, DEFAULT_COMMAND, programHelp } from "./cli/commands.js";
import { describeFailure } from "./cli/failures.js";
import { closest } from "./core/did-you-mean.js";
import { VERSION } from "./core/version.js";

async function main(argv: readonly string[]): Promise<number> {
  const first = argv[0];
  if (first === "--help" || first === "-h" || first === "help") {
    const named = first === "help" ? COMMANDS.find((c) => c.name === argv[1]) : undefined;
    if (first === "help" && argv[1] !== undefined && named === undefined) throw unknownCommand(argv[1]);
    process.stdout.write(named ? commandHelp(named) : programHelp());
    return 0;
  }
  if (first === "--version" || first === "-v") {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  let command = COMMANDS.find((c) => c.name === first);
  let rest = argv.slice(1);
  if (command === undefined) {
    // `run` is the default: flags, `-` (stdin) or paths that exist may come without it.
    if (first !== undefined && !first.startsWith("-") && !existsSync(first)) throw unknownCommand(first);
    command = DEFAULT_COMMAND;
    rest = [...argv];
  }
  const args = parseCommandArgs(command, rest);
  if (args.values.help === true) {
    process.stdout.write(commandHelp(command));
    return 0;
  }
  const code = await command.run(args);
  // The daemon is done: whatever is still pending (a read past the stop deadline) must not keep
  // the process alive. One-shot commands end by themselves once their output is written.
  if (command.daemon === true) process.exit(code);
  return code;
}

function unknownCommand(word: string) {
  const guess = closest(
    word,
    COMMANDS.map((c) => c.name),
  );
  const hint = guess === undefined ? "" : `, did you mean "${guess}"?`;
  const paths = `; to read a file of that name: ${PROGRAM} run ${word}`;
  return usage(undefined, `unknown command "${word}"${hint}${guess === undefined ? paths : ""}`);
}

// `analyze … | head -1`: the reader is gone, which ends the output; not a failure.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(0);
  throw err;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    const failure = describeFailure(e);
    process.stderr.write(failure.text);
    process.exitCode = failure.exitCode;
  },
);
