/** zksim's public API. */
export { Kernel, type KernelEvent, type RunStats, type TimerHandle } from './kernel/kernel.js';
export { RandomStream, RandomStreams } from './kernel/rng.js';
export { MemorySink, Trace, type TraceLevel, type TraceSink } from './kernel/trace/trace.js';
export { TRACE_FORMAT_VERSION, type TraceEvent, type TraceEventKind, type TraceHeader } from './kernel/trace/events.js';
export { formatEvent, formatMessage } from './kernel/trace/format.js';
export { firstDivergence, type Divergence } from './kernel/trace/diff.js';
export { Fnv1a64, fnv1a64Hex } from './kernel/trace/hash.js';
export { parseEvent, parseHeader, TraceFormatError } from './kernel/trace/parse.js';
export type * from './contract/node.js';
export type { Random } from './contract/random.js';
export { compareNodeIds } from './contract/node-id.js';
export { World } from './world/world.js';
export type { WorldConfig, NetworkConfig, DiskConfig, ClockConfig, LatencyConfig } from './world/config.js';
export { FAULT_KINDS, type FaultKind, type FaultSpec, type Target } from './world/fault-spec.js';
export { generateSwarm, SWARM_KINDS } from './world/swarm.js';
export type { Checker, Verdict, VerdictStatus } from './check/verdict.js';
export { MessageAccounting } from './check/message-accounting.js';
export { ConnectionFifo } from './check/connection-fifo.js';
export { ConnectivityLiveness } from './check/liveness.js';
export { parseScenario, validateScenario } from './scenario/load.js';
export { ScenarioError } from './scenario/errors.js';
export { ScenarioSchema, SCENARIO_VERSION, type Scenario } from './scenario/schema.js';
export { runScenario, Simulation, type RunResult, type SimulationOptions } from './scenario/simulation.js';
export { pingPongProgram } from './testproto/pingpong.js';
export { ZKSIM_VERSION } from './version.js';

// ZooKeeper: the standalone server, the client library and conformance against a real server.
export * from './client/zk-client.js';
export { SimZkClient, type SimClientOptions } from './client/sim-client.js';
export { clientNode, type ClientCall, type ClientNodeOptions, type ClientProcess } from './client/client-node.js';
export { standaloneServer, type ServerState } from './zk/standalone-server.js';
export { serverConfig, type ZkServerConfig } from './zk/server-config.js';
export { DataTree, type ZNode } from './zk/data-tree.js';
export { compareZxid, formatZxid, ZERO_ZXID, zxid, type Zxid } from './zk/zxid.js';
export type { Txn, TxnBody } from './zk/txn.js';
export { CLIENT_PORT, type ClientMsg, type ServerMsg, type ZkMsg } from './zk/wire.js';
export { ZkWorld, STANDALONE_SERVER, type ZkWorldOptions } from './harness/zk-world.js';
export { formatGolden, GOLDEN_FORMAT, GoldenFormatError, parseGolden, type GoldenFile, type OpRecord } from './conformance/golden.js';
export { replayGolden, TIER_NAMES, type ConformanceReport, type Mismatch, type Tier } from './conformance/replay.js';
export { normaliseResult, normaliseStat, type NormaliseContext } from './conformance/normalise.js';
export { issueOp } from './conformance/issue-op.js';

// The replicated ensemble: Fast Leader Election and ZAB.
export { EnsembleWorld, type EnsembleWorldOptions } from './harness/ensemble-world.js';
export { simulateFailover, type SimFailoverTrial } from './harness/failover.js';
export { quorumPeerProgram, QuorumPeer, type PeerCall } from './zk/quorum/quorum-peer.js';
export { ensembleConfig, simpleEnsemble, type EnsembleConfig, type ServerEntry } from './zk/quorum/ensemble-config.js';
export { parseZooCfg, ZooCfgError, type ZooCfg } from './zk/quorum/zoo-cfg.js';
export { FastLeaderElection, type ElectionDecision } from './zk/election/election.js';
export { totalOrderPredicate, type Vote } from './zk/election/vote.js';
export { ZabInvariants } from './check/zab-invariants.js';
export { EnsembleLiveness } from './check/ensemble-liveness.js';

// Linearizability of histories (interchange format).
export { checkHistory, type CheckOptions, type LinResult, type LinVerdict } from './check/linearizability/check.js';
export { HISTORY_MODELS, HistoryFormatError, parseHistory, type History, type HistoryOp } from './check/linearizability/history.js';
export { checkPartitions } from './check/linearizability/check.js';
export { partitions, registerModel, kvKeyModel, znodeModel, znodeExistenceModel, type Partition, type SeqModel } from './check/linearizability/models.js';
export { explainHistory, explanationText, type LinExplanation } from './check/linearizability/explain.js';
export { timelineHtml } from './check/linearizability/timeline-html.js';
export { parseEdnHistory, historyToEdn } from './formats/edn-history.js';
export { znodeHistoryToEdn } from './formats/edn-znode.js';

// ZooKeeper's guarantees on a run with clients, and trace checks after the fact.
export { ZkLinearizability, staleSyncReads } from './check/zk-history/linearizability-checker.js';
export { SessionGuarantees, judgeSessions } from './check/zk-history/session-guarantees.js';
export { znodeHistory } from './check/zk-history/znode-history.js';
export { checkTraceEvents, traceChecks } from './check/trace/index.js';

// Planted bugs and the explorer.
export { PLANTED_BUGS, BUG_NAMES, hasBug, isBugName, type BugName } from './bugs/catalog.js';
export { DEFAULT_EXPLORE_BASE } from './explore/default-base.js';
export { exploreRun, concreteScenario, type RunSummary } from './explore/explore-run.js';
export { shrinkScenario, shrinkSeed, ddmin, type ShrinkResult } from './explore/shrink.js';
export { huntBug, type HuntResult } from './explore/bug-hunt.js';
export { buildReport, mergeReports, type ExploreReport } from './explore/report.js';
export { shardSeeds, parseShard, type Shard } from './explore/seeds.js';
export { PROBES, ProbeCounter, type ProbeName } from './explore/probes.js';
export { exploreReportHtml } from './explore/html-report.js';
