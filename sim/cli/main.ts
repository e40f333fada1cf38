#!/usr/bin/env node
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { z } from 'zod';
import { TraceFormatError } from '../kernel/trace/parse.js';
import { ScenarioError } from '../scenario/errors.js';
import { ScenarioSchema } from '../scenario/schema.js';
import { ZKSIM_VERSION } from '../version.js';
import { checkCommand } from './check-command.js';
import { registerCheckTraceCommand } from './check-trace-command.js';
import { conformanceCommand } from './conformance-command.js';
import { diffCommand } from './diff-command.js';
import { EXIT_BAD_INPUT, EXIT_OK, UsageError } from './errors.js';
import { registerRecordCommand } from './record-command.js';
import { replayCommand } from './replay-command.js';
import { runCommand } from './run-command.js';
import { showCommand } from './show-command.js';

function nonNegativeInt(value: string): string {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a non-negative integer');
  return value;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command();
  program
    .name('zksim')
    .description('Deterministic simulator of an Apache ZooKeeper ensemble: seeded runs, fault injection, checkers, traces.')
    .version(ZKSIM_VERSION)
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');

  program
    .command('run')
    .description('run a scenario, print the verdicts and write the trace (default: the built-in default scenario)')
    .argument('[scenario]', 'scenario JSON file (see `zksim schema`)')
    .option('--seed <seed>', 'override the scenario seed (integer or string)')
    .option('--zoo-cfg <file>', 'a real zoo.cfg decides the ensemble of a zookeeper scenario (servers, observers, tickTime, initLimit, syncLimit, ...)')
    .option('--trace <file>', 'where to write the trace (default: traces/<name>-seed<seed>.ndjson)')
    .option('--no-trace', 'do not write a trace (it is still hashed and checked)')
    .option('--json', 'print a JSON summary (seed, events, traceHash, verdicts, ...) instead of text')
    .option('-q, --quiet', 'print nothing; the exit code says whether expectations held')
    .option('--history <file>', 'write the client history (interchange JSON, model znode) for `zksim check`')
    .option('--history-edn <file>', 'write the client history as a Jepsen EDN history')
    .addHelpText('after', '\nExit status: 0 when every expectation holds, 1 when a check did not give the expected verdict, 2 for bad input.')
    .action((scenario: string | undefined, opts) => setExit(runCommand(scenario, opts)));

  program
    .command('replay')
    .description('re-run a trace from its header and confirm it is identical, or name the first divergent event')
    .argument('<trace>', 'trace file (NDJSON)')
    .option('--json', 'print a JSON result')
    .addHelpText('after', '\nExit status: 0 identical, 1 diverged, 2 bad input.')
    .action((trace: string, opts) => setExit(replayCommand(trace, opts)));

  program
    .command('diff')
    .description('name the first event at which two traces differ')
    .argument('<traceA>')
    .argument('<traceB>')
    .option('--json', 'print a JSON result')
    .addHelpText('after', '\nExit status: 0 identical event streams, 1 different, 2 bad input.')
    .action((a: string, b: string, opts) => setExit(diffCommand(a, b, opts)));

  program
    .command('show')
    .description('print a trace as readable lines')
    .argument('<trace>')
    .option('--kind <kind>', 'only events of this kind (repeatable)', collect)
    .option('--node <id>', 'only events involving this node (repeatable)', collect)
    .option('--from <seq>', 'start at this event number', nonNegativeInt)
    .option('--limit <n>', 'print at most n events', nonNegativeInt)
    .action((trace: string, opts) => setExit(showCommand(trace, opts)));

  program
    .command('conformance')
    .description('replay golden files recorded against a real ZooKeeper 3.8 into the simulator; report the five tiers per file')
    .argument('<golden...>', 'golden files (zk-conformance-golden/1) or directories of them')
    .option('--json', 'print the reports as JSON')
    .addHelpText('after', '\nTiers: 1 rc, 2 payloads, 3 zxids, 4 watch events, 5 the whole tree after every op.\nExit status: 0 all files conform at every tier, 1 a mismatch, 2 a malformed file.')
    .action((golden: string[], opts) => setExit(conformanceCommand(golden, opts)));

  registerRecordCommand(program);

  registerCheckTraceCommand(program, setExit);

  program
    .command('check')
    .description('check histories (interchange format, ../shared/formats/history.md) for linearizability')
    .argument('<history...>', 'history files')
    .option('--format <format>', 'json (the interchange format) or edn (a Jepsen/Knossos history); default: edn for *.edn files, else json')
    .option('--model <model>', 'override the model named in the file: register, cas-register or kv (EDN: register or cas-register, default cas-register)')
    .option('--timeout <ms>', 'give up on a history after this long (verdict unknown, never linearizable)', '60000')
    .option('--json', 'one JSON line per file: file, verdict, ms, model, ops, steps (and the explanation with --explain)')
    .option('--explain', 'for a history that is not linearizable: the op that cannot be placed, a minimal core of ops, the window, the longest linearizable prefix')
    .option('--html <dir>', 'also write a self-contained HTML timeline (client lanes, failing window) per non-linearizable history into <dir>')
    .addHelpText('after', '\nExit status: 0 all linearizable, 1 any not linearizable, 3 any unknown (out of time), 2 bad input.')
    .action((files: string[], opts) => setExit(checkCommand(files, opts)));

  program
    .command('schema')
    .description('print the JSON Schema of scenario files (for editors)')
    .action(() => {
      process.stdout.write(`${JSON.stringify(z.toJSONSchema(ScenarioSchema, { io: 'input', unrepresentable: 'any' }), null, 2)}\n`);
      setExit(EXIT_OK);
    });

  return program;
}

/** Runs the CLI; returns the exit code. Never lets a stack trace be the only message. */
export function main(argv: string[]): number {
  let code = EXIT_OK;
  const program = buildProgram((c) => {
    code = c;
  });
  try {
    program.parse(argv, { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and --version end here too, with code 0; usage errors were already printed.
      return e.exitCode === 0 ? EXIT_OK : EXIT_BAD_INPUT;
    }
    if (e instanceof ScenarioError || e instanceof UsageError || e instanceof TraceFormatError) {
      process.stderr.write(`zksim: ${e.message}\n`);
      return EXIT_BAD_INPUT;
    }
    const err = e as Error;
    process.stderr.write(`zksim: internal error: ${err.message}\n${err.stack ?? ''}\nPlease report this with the command line and the scenario.\n`);
    return 70;
  }
}
