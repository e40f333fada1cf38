/** Fast Leader Election: votes and their order, the election component, its connection manager, and an election-only node program. */
export * from './vote.js';
export {
  DEFAULT_ELECTION_TIMING,
  electionConfig,
  FastLeaderElection,
  type DecisionPath,
  type ElectionConfig,
  type ElectionDecision,
  type ElectionNote,
  type ElectionTiming,
} from './election.js';
export { ELECTION_PORT, ElectionCnxManager, type ElectionEffects } from './cnx-manager.js';
export { electionOnlyProgram, type ElectionOnlyCall, type ElectionOnlyOptions, type ElectionOnlyServer, type ElectionOnlyState } from './election-only-program.js';
