/**
 * The teaching viewer: opens a trace (?trace=URL, the file picker, or a dropped file), shows the
 * ensemble as a ring at one cursor, the servers' state in a table and the current event in words,
 * and moves the cursor by event, by milestone, by time, or by playing. The cursor lives in the URL
 * (#e=INDEX), so a link reopens the same frame. Every string from the trace is set as text.
 */
import { select } from 'd3';
import { compareVotes, parseTrace, TraceFormatError, type NodeView, type TraceModel, type VoteView } from '../model/trace-model.js';
import { narrate } from '../model/narration.js';
import { formatVoteZxid } from '../../sim/zk/election/vote.js';
import { SpaceTime } from '../model/space-time.js';
import { LESSONS, lessonById, lessonStops } from '../model/lessons.js';

// Okabe–Ito colours, each role also has its own shape (colour is never the only cue).
const ROLE_STYLE: Record<string, { colour: string; shape: string; label: string }> = {
  LEADING: { colour: '#d55e00', shape: 'square', label: 'leader' },
  FOLLOWING: { colour: '#0072b2', shape: 'triangle', label: 'follower' },
  OBSERVING: { colour: '#009e73', shape: 'diamond', label: 'observer' },
  LOOKING: { colour: '#f0e442', shape: 'circle', label: 'looking (electing)' },
  down: { colour: '#999999', shape: 'cross', label: 'down' },
  '': { colour: '#ffffff', shape: 'circle', label: 'starting' },
};

const SIZE = 26;

function shapePath(shape: string): string {
  const s = SIZE;
  switch (shape) {
    case 'square':
      return `M${-s},${-s}H${s}V${s}H${-s}Z`;
    case 'triangle':
      return `M0,${-s * 1.2}L${s * 1.1},${s * 0.8}L${-s * 1.1},${s * 0.8}Z`;
    case 'diamond':
      return `M0,${-s * 1.25}L${s * 1.25},0L0,${s * 1.25}L${-s * 1.25},0Z`;
    case 'cross':
      return `M${-s},${-s * 0.4}H${-s * 0.4}V${-s}H${s * 0.4}V${-s * 0.4}H${s}V${s * 0.4}H${s * 0.4}V${s}H${-s * 0.4}V${s * 0.4}H${-s}Z`;
    default:
      return `M${-s},0A${s},${s} 0 1,0 ${s},0A${s},${s} 0 1,0 ${-s},0Z`;
  }
}

/** A zxid as the simulator's own notes print it (votes' -1 and "none" included). */
function hex(z: { epoch: number; counter: number } | undefined): string {
  return z === undefined ? '' : formatVoteZxid(z);
}

const $ = <T extends Element>(sel: string): T => document.querySelector(sel) as T;

let model: TraceModel | undefined;
let spaceTime: SpaceTime | undefined;
/** The guided lesson's stops (?lesson=ID), and which one the cursor is at. */
let stops: { index: number; caption: string }[] = [];
let stop = -1;
let cursor = -1;
/** The server whose election the panel explains (click one on the ring, or press 1–9). */
let selected = 's1';
let timer: number | undefined;

function showError(message: string): void {
  const box = $<HTMLDivElement>('#error');
  box.textContent = message;
  box.hidden = false;
  $<HTMLElement>('#app').hidden = true;
}

function load(text: string, name: string): void {
  const started = performance.now();
  try {
    model = parseTrace(text);
  } catch (e) {
    showError(e instanceof TraceFormatError ? `Cannot open ${name}: ${e.message}` : `Cannot open ${name}: ${String(e)}`);
    return;
  }
  spaceTime = new SpaceTime(model.events, model.servers);
  $<HTMLDivElement>('#error').hidden = true;
  $<HTMLElement>('#app').hidden = false;
  const sc = model.header.scenario as { name?: string };
  $('#title').textContent = `${sc.name ?? name}, seed ${model.header.seed}: ${model.events.length} events, ${model.servers.length} servers`;
  const scrub = $<HTMLInputElement>('#scrub');
  scrub.max = String(model.events.length - 1);
  drawLegend();
  const fromHash = /(?:^#|&)e=(-?\d+)/.exec(location.hash);
  const lessonId = new URLSearchParams(location.search).get('lesson');
  const lesson = lessonId === null ? undefined : lessonById(lessonId);
  if (lessonId !== null && lesson === undefined) {
    showError(`Unknown lesson "${lessonId}"; the lessons are ${LESSONS.map((l) => l.id).join(', ')}.`);
    return;
  }
  if (lesson !== undefined) {
    stops = lessonStops(lesson, model.events);
    $<HTMLElement>('#lesson').hidden = false;
    $('#lesson-title').textContent = `Lesson: ${lesson.title}`;
  }
  seek(fromHash === null ? (stops[0]?.index ?? -1) : Number(fromHash[1]));
  document.body.dataset.loadMs = String(Math.round(performance.now() - started));
}

function drawLegend(): void {
  const items = select('#legend').selectAll('li').data(Object.entries(ROLE_STYLE).filter(([k]) => k !== ''));
  const li = items.enter().append('li');
  const svg = li.append('svg').attr('width', 18).attr('height', 18).attr('viewBox', '-32 -32 64 64');
  svg.append('path').attr('d', ([, s]) => shapePath(s.shape)).attr('fill', ([, s]) => s.colour).attr('stroke', '#222');
  li.append('span').text(([, s]) => ` ${s.label}`);
}

function drawRing(nodes: NodeView[]): void {
  const n = nodes.length;
  const r = n <= 1 ? 0 : 110;
  const pos = (i: number) => ({ x: r * Math.sin((2 * Math.PI * i) / n), y: -r * Math.cos((2 * Math.PI * i) / n) });
  const groups = select('#ring')
    .selectAll<SVGGElement, NodeView>('g.node')
    .data(nodes, (d) => d.id)
    .join((enter) => {
      const g = enter.append('g').attr('class', 'node');
      g.append('path').attr('class', 'shape');
      g.append('text').attr('class', 'id').attr('dy', 4);
      g.append('text').attr('class', 'role').attr('dy', 44);
      g.append('text').attr('class', 'state').attr('dy', 58);
      g.append('text').attr('class', 'vote').attr('dy', -36);
      return g;
    });
  groups
    .on('click', (_ev, d) => {
      selected = d.id;
      seek(cursor);
    })
    .attr('data-selected', (d) => String(d.id === selected))
    .attr('transform', (_d, i) => `translate(${pos(i).x},${pos(i).y})`)
    .attr('data-node', (d) => d.id)
    .attr('data-role', (d) => d.role)
    .attr('aria-label', (d) => `${d.id} ${d.role || 'starting'}`);
  groups
    .select('path.shape')
    .attr('d', (d) => shapePath((ROLE_STYLE[d.role] ?? ROLE_STYLE['']).shape))
    .attr('fill', (d) => (ROLE_STYLE[d.role] ?? ROLE_STYLE['']).colour);
  groups.select('text.id').text((d) => d.id);
  groups.select('text.role').text((d) => d.role || 'starting');
  groups.select('text.state').text((d) => (d.epoch === undefined ? hex(d.zxid) : `epoch ${d.epoch} · ${hex(d.zxid)}`));
  groups.select('text.vote').text((d) => (d.vote === undefined || d.role === 'down' ? '' : `votes s${d.vote.leader}`));
}

function drawPanel(nodes: NodeView[]): void {
  const rows = select('#panel tbody')
    .selectAll<HTMLTableRowElement, NodeView>('tr')
    .data(nodes, (d) => d.id)
    .join('tr')
    .attr('data-node', (d) => d.id);
  rows
    .selectAll('td')
    .data((d) => [d.id, d.role || 'starting', d.phase ?? '', d.vote === undefined ? '' : `(${d.vote.peerEpoch}, ${hex(d.vote.zxid)}, s${d.vote.leader})`, d.vote === undefined ? '' : String(d.vote.round), d.epoch === undefined ? '' : String(d.epoch), hex(d.zxid)])
    .join('td')
    .text((d) => d);
}

function voteText(v: VoteView): string {
  return `(${v.peerEpoch}, ${hex(v.zxid)}, s${v.leader})`;
}

const FIELD_NAMES = { epoch: 'peerEpoch', zxid: 'zxid', sid: 'sid', equal: '' } as const;

/**
 * FLE for one server: its round and proposal, the latest vote from each sender this round, and
 * for each the comparison with the proposal — (peerEpoch, zxid, sid) in that order, the field that
 * decides named — and the tally of senders that agree.
 */
function drawElection(nodes: NodeView[]): void {
  const me = nodes.find((n) => n.id === selected) ?? nodes[0];
  if (me === undefined) return;
  selected = me.id;
  $('#fle-title').textContent = `${me.id}'s election`;
  const mine = me.vote;
  const received = Object.values(me.received).sort((a, b) => a.from.localeCompare(b.from));
  const agree = mine === undefined ? [] : received.filter((r) => compareVotes(r.vote, mine).field === 'equal').map((r) => r.from);
  const quorum = Math.floor(nodes.length / 2) + 1;
  $('#fle-summary').textContent =
    mine === undefined
      ? `${me.id} has not voted yet.`
      : `round ${mine.round}: ${me.id} proposes ${voteText(mine)}; ${agree.length} of the votes received agree${agree.length > 0 ? ` (${agree.join(', ')})` : ''}, so ${agree.length + (agree.includes(me.id) ? 0 : 1)} vote(s) for it counting its own; a quorum is ${quorum}.`;
  const rows = select('#fle tbody')
    .selectAll<HTMLTableRowElement, (typeof received)[number]>('tr')
    .data(received, (d) => d.from)
    .join('tr')
    .attr('data-from', (d) => d.from);
  rows
    .selectAll<HTMLTableCellElement, { text: string; decides?: boolean }>('td')
    .data((r) => {
      const c = mine === undefined ? undefined : compareVotes(r.vote, mine);
      const verdict = c === undefined ? '' : c.field === 'equal' ? 'the same vote' : `${c.sign > 0 ? 'beats' : 'loses to'} it on ${FIELD_NAMES[c.field]}`;
      return [{ text: r.from }, { text: r.state }, { text: voteText(r.vote) }, { text: String(r.vote.round) }, { text: verdict, decides: c !== undefined && c.field !== 'equal' }];
    })
    .join('td')
    .attr('class', (d) => (d.decides === true ? 'decides' : null))
    .text((d) => d.text);
}

const ELECTION_TYPES = new Set(['notification']);
const ZAB_TYPES = new Set(['PROPOSAL', 'ACK', 'COMMIT', 'NEWLEADER', 'UPTODATE', 'DIFF', 'TRUNC', 'SNAP', 'FOLLOWERINFO', 'LEADERINFO', 'ACKEPOCH', 'INFORM']);

/**
 * The space-time diagram around the cursor: one lane per server, its bands (election, discovery,
 * sync, broadcast, down), each message a line from send to delivery (dashed, in the warning
 * colour, when dropped), heartbeats counted rather than drawn, and the cursor as a line.
 */
function drawSpaceTime(t: number): void {
  if (model === undefined || spaceTime === undefined) return;
  const half = Number($<HTMLSelectElement>('#window').value);
  const from = t - half;
  const to = t + half;
  const left = 40;
  const width = 1000 - left - 10;
  const x = (at: number) => left + ((Math.max(from, Math.min(to, at)) - from) / (to - from)) * width;
  const lane = new Map(model.servers.map((id, i) => [id, 20 + (i * 170) / Math.max(1, model!.servers.length - 1)]));
  const svg = select('#spacetime');
  svg
    .selectAll('text.lane-label')
    .data(model.servers)
    .join('text')
    .attr('class', 'lane-label')
    .attr('x', 4)
    .attr('y', (d) => lane.get(d)! + 4)
    .text((d) => d);
  const bands = spaceTime.bandsIn(from, to);
  svg
    .selectAll('rect.band')
    .data(bands)
    .join('rect')
    .attr('class', (d) => `band band-${d.band}`)
    .attr('data-node', (d) => d.node)
    .attr('data-band', (d) => d.band)
    .attr('x', (d) => x(d.from))
    .attr('width', (d) => Math.max(0, x(d.to) - x(d.from)))
    .attr('y', (d) => lane.get(d.node)! - 8)
    .attr('height', 16);
  svg
    .selectAll('text.band-label')
    .data(bands.filter((b) => x(b.to) - x(b.from) > 60 && b.band !== 'starting'))
    .join('text')
    .attr('class', 'band-label')
    .attr('x', (d) => x(d.from) + 3)
    .attr('y', (d) => lane.get(d.node)! - 10)
    .text((d) => d.band);
  const { messages, heartbeats } = spaceTime.window(from, to);
  svg
    .selectAll<SVGLineElement, (typeof messages)[number]>('line.msg')
    .data(messages, (d) => String(d.id))
    .join('line')
    .attr('class', (d) => `msg ${ELECTION_TYPES.has(d.type) ? 'msg-election' : ZAB_TYPES.has(d.type) ? 'msg-zab' : 'msg-other'}`)
    .attr('data-type', (d) => d.type)
    .attr('data-dropped', (d) => String(d.dropped))
    .attr('x1', (d) => x(d.sendAt))
    .attr('y1', (d) => lane.get(d.from)!)
    .attr('x2', (d) => x(d.endAt ?? to))
    .attr('y2', (d) => lane.get(d.to)!);
  svg
    .selectAll('line.cursor-line')
    .data([t])
    .join('line')
    .attr('class', 'cursor-line')
    .attr('x1', (d) => x(d))
    .attr('x2', (d) => x(d))
    .attr('y1', 0)
    .attr('y2', 200);
  const beats = [...heartbeats].map(([k, n]) => `${k} ×${n}`).join(', ');
  $('#heartbeats').textContent = `${messages.length} message(s) drawn in ${Math.max(0, from)}–${to} ms${beats === '' ? '' : `; heartbeats (PING, PINGREPLY) counted, not drawn: ${beats}`}.`;
}

function showStop(): void {
  if (stops.length === 0) return;
  // The stop at or before the cursor explains where we are.
  let k = -1;
  for (let j = 0; j < stops.length; j++) if (stops[j].index <= cursor) k = j;
  stop = k;
  $('#lesson-caption').textContent = k < 0 ? 'Press N to go to the first stop.' : stops[k].caption;
  $('#lesson-step').textContent = `stop ${k + 1} of ${stops.length}`;
}

function lessonStep(dir: 1 | -1): void {
  const k = Math.max(0, Math.min(stops.length - 1, stop + dir));
  if (stops[k] !== undefined) seek(stops[k].index);
}

function seek(index: number): void {
  if (model === undefined) return;
  cursor = Math.max(-1, Math.min(index, model.events.length - 1));
  showStop();
  const nodes = model.stateAt(cursor);
  drawRing(nodes);
  drawPanel(nodes);
  drawElection(nodes);
  drawSpaceTime(cursor >= 0 ? model.events[cursor].at : 0);
  const e = cursor >= 0 ? model.events[cursor] : undefined;
  $('#narration').textContent = e === undefined ? 'Before the first event. Step forward (→) or play (Space).' : `${e.at} ms: ${narrate(e)}`;
  $<HTMLInputElement>('#scrub').value = String(cursor);
  $('#time').textContent = `event ${cursor + 1} of ${model.events.length}, t = ${e?.at ?? 0} ms`;
  history.replaceState(null, '', `#e=${cursor}`);
}

function play(): void {
  if (timer !== undefined) {
    window.clearInterval(timer);
    timer = undefined;
    $('#play').textContent = '▶';
    return;
  }
  $('#play').textContent = '⏸';
  timer = window.setInterval(() => {
    if (model === undefined || cursor >= model.events.length - 1) return play();
    seek(cursor + Number($<HTMLSelectElement>('#speed').value));
  }, 100);
}

function milestone(dir: 1 | -1): void {
  const m = model?.milestone(cursor, dir);
  if (m !== undefined) seek(m);
}

$('#prev').addEventListener('click', () => seek(cursor - 1));
$('#next').addEventListener('click', () => seek(cursor + 1));
$('#prev-m').addEventListener('click', () => milestone(-1));
$('#next-m').addEventListener('click', () => milestone(1));
$('#play').addEventListener('click', play);
$('#lesson-next').addEventListener('click', () => lessonStep(1));
$('#lesson-prev').addEventListener('click', () => lessonStep(-1));
$('#window').addEventListener('change', () => seek(cursor));
$<HTMLInputElement>('#scrub').addEventListener('input', (ev) => seek(Number((ev.target as HTMLInputElement).value)));
$('#link').addEventListener('click', () => void navigator.clipboard?.writeText(location.href).catch(() => undefined));
document.addEventListener('keydown', (ev) => {
  if (model === undefined || (ev.target as HTMLElement).tagName === 'SELECT') return;
  const keys: Record<string, () => void> = {
    ArrowRight: () => (ev.shiftKey ? milestone(1) : seek(cursor + 1)),
    ArrowLeft: () => (ev.shiftKey ? milestone(-1) : seek(cursor - 1)),
    Home: () => seek(-1),
    End: () => seek(model!.events.length - 1),
    ' ': play,
    n: () => lessonStep(1),
    p: () => lessonStep(-1),
  };
  if (/^[1-9]$/.test(ev.key) && model.servers.includes(`s${ev.key}`)) {
    selected = `s${ev.key}`;
    seek(cursor);
    return;
  }
  const action = keys[ev.key];
  if (action === undefined) return;
  ev.preventDefault();
  action();
});
$<HTMLInputElement>('#file').addEventListener('change', async (ev) => {
  const f = (ev.target as HTMLInputElement).files?.[0];
  if (f !== undefined) load(await f.text(), f.name);
});
document.addEventListener('dragover', (ev) => ev.preventDefault());
document.addEventListener('drop', async (ev) => {
  ev.preventDefault();
  const f = ev.dataTransfer?.files[0];
  if (f !== undefined) load(await f.text(), f.name);
});

// For the browser tests and the benchmark: the model and the cursor, read-only apart from seek.
(window as unknown as { zksimViz: unknown }).zksimViz = {
  get model() {
    return model;
  },
  get cursor() {
    return cursor;
  },
  seek,
};

const url = new URLSearchParams(location.search).get('trace');
if (url !== null) {
  fetch(url)
    .then((r) => (r.ok ? r.text() : Promise.reject(new Error(`HTTP ${r.status}`))))
    .then((text) => load(text, url))
    .catch((e: unknown) => showError(`Cannot fetch ${url}: ${String(e)}`));
} else {
  $('#title').textContent = 'Open a trace (zksim run writes one to traces/), or drop it here.';
}
