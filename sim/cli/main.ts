#!/usr/bin/env node
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { z } from 'zod';
import { TraceFormatError } from '../kernel/trace/parse.js';
import { ScenarioError } from '../scenario/errors.js';
import { ScenarioSchema } from '../scenario/schema.js';
import { ZKSIM_VERSION } from '../version.js';
import { bugsCommand } from './bugs-command.js';
import { knownBugsCommand } from './known-bugs-command.js';
import { vizCommand } from './viz-command.js';
import { checkCommand } from './check-command.js';
import { registerCheckTraceCommand } from './check-trace-command.js';
import { conformanceCommand } from './conformance-command.js';
import { diffCommand } from './diff-command.js';
import { exploreCommand, exploreMergeCommand, probeList } from './explore-command.js';
import { EXIT_BAD_INPUT, EXIT_OK, UsageError } from './errors.js';
import { registerRecordCommand } from './record-command.js';
import { replayCommand } from './replay-command.js';
import { runCommand } from './run-command.js';
import { showCommand } from './show-command.js';

function nonNegativeInt(value: string): string {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a non-negative integer');
  return value;
}

/** The options that change how the model behaves: planted bugs and old ZooKeeper releases (run, explore). */
function withBehaviourOptions(cmd: Command): Command {
  return cmd
    .option('--inject-bug <name>', 'switch a planted protocol bug on (repeatable; `zksim bugs` lists them)', collect)
    .option('--zk-version <version>', 'behave as this ZooKeeper release, with the bugs it shipped (`zksim known-bugs` lists them)')
    .option('--legacy <jira>', 'switch one shipped bug\'s old behaviour on, e.g. ZOOKEEPER-4643 (repeatable)', collect);
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

  withBehaviourOptions(program.command('run'))
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
    .command('viz')
    .description('serve the teaching viewer (elections and broadcast, step by step) on 127.0.0.1 and open a trace in it')
    .argument('[trace]', 'trace file (NDJSON) to open; without one the page offers a file picker')
    .option('--port <n>', 'port to listen on (0: any free port)', '0')
    .option('--lesson <id>', 'run a guided lesson\'s scenario and open it with its captions (first-election, leader-crash, minority)')
    .addHelpText('after', '\nBuild the viewer once with `npm run build:viz` (npm test does). Exit status: 2 bad input; otherwise it runs until interrupted.')
    .action(async (trace: string | undefined, opts) => setExit(await vizCommand(trace, opts)));

  program
    .command('known-bugs')
    .description('bugs ZooKeeper shipped that the model can behave as (--legacy / --zk-version): releases, broken property, reproduce and rediscover commands')
    .option('--zk-version <version>', 'only the bugs this release has')
    .option('--json', 'print JSON')
    .action((opts) => setExit(knownBugsCommand(opts)));

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

  // Options after `explore merge` belong to merge (both take --out and --report).
  program.enablePositionalOptions();
  const explore = withBehaviourOptions(program.command('explore'))
    .enablePositionalOptions()
    .description('swarm runs over many seeds on every core: failures shrunk to minimal scenario files with traces, coverage probes, a report')
    .option('--runs <n>', 'how many seeds', '100')
    .option('--seed <s>', 'first seed (seeds are s, s+1, ...)', '1')
    .option('--duration <ticks>', 'override the base scenario\'s durationTicks')
    .option('--faults <choice>', 'swarm (the base\'s swarm, or the default one), none, or a comma list of fault kinds for the swarm to choose from')
    .option('--scenario <file>', 'base scenario (default: the built-in 30 s reference run: 3 servers, 3 clients, 2 lock clients, swarm faults)')
    .option('--workers <n>', 'worker threads (default: every core)')
    .option('--shard <k/n>', 'run only shard k of n of the seeds (every n-th seed from the k-th); merge shards with `zksim explore merge`')
    .option('--out <dir>', 'where report.json and the failures\' repro scenarios and traces go', 'explore-out')
    .option('--max-shrinks <k>', 'failing seeds to shrink per failed check (the smallest seeds)', '3')
    .option('--shrink-runs <n>', 'candidate runs a shrink may try', '400')
    .option('--no-shrink', 'do not shrink failures (report the failing seeds only)')
    .option('--report <file.html>', 'also write a self-contained HTML report (d3 plots)')
    .option('--list-probes', 'list the coverage probes and exit')
    .option('--json', 'print a JSON summary instead of text')
    .option('-q, --quiet', 'print nothing; the exit code says whether a seed failed')
    .addHelpText('after', '\nExit status: 0 no seed failed, 1 some seed failed (repros under --out), 2 bad input.')
    .action(async (opts) => {
      if (opts.listProbes) {
        process.stdout.write(probeList());
        setExit(EXIT_OK);
        return;
      }
      setExit(await exploreCommand(opts));
    });

  explore
    .command('merge')
    .description('merge the report.json of shards (--shard k/n) into one report, as the unsharded sweep would give')
    .argument('<dir...>', 'the shards\' --out directories (or their report.json files)')
    .option('--out <dir>', 'where the merged report.json and failure directories go', 'explore-merged')
    .option('--report <file.html>', 'also write the HTML report')
    .option('--json', 'print a JSON summary instead of text')
    .action((dirs: string[], opts) => setExit(exploreMergeCommand(dirs, opts)));

  program
    .command('bugs')
    .description('list the planted bugs `--inject-bug` can switch on; --self-test proves the explorer finds each one')
    .option('--json', 'print JSON')
    .option('--self-test', 'sweep the explorer\'s base with each bug on until a seed fails (within --budget), then the clean build over the same budget')
    .option('--budget <n>', 'seeds per bug for --self-test', '60')
    .option('--only <name>', 'with --self-test: only this bug (repeatable)', collect)
    .option('--scenario <file>', 'with --self-test: the base scenario (default: the explorer\'s)')
    .addHelpText('after', '\nExit status (--self-test): 0 every bug found and the clean build passed, 1 otherwise.')
    .action((opts) => setExit(bugsCommand(opts)));

  program
    .command('schema')
    .description('print the JSON Schema of scenario files (for editors)')
    .action(() => {
      process.stdout.write(`${JSON.stringify(z.toJSONSchema(ScenarioSchema, { io: 'input', unrepresentable: 'any' }), null, 2)}\n`);
      setExit(EXIT_OK);
    });

  return program;
}

/** Runs the CLI; resolves to the exit code. Never lets a stack trace be the only message. */
export async function main(argv: string[]): Promise<number> {
  let code = EXIT_OK;
  const program = buildProgram((c) => {
    code = c;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
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
