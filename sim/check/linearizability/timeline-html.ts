/**
 * A self-contained HTML page (inline CSS and one inline SVG, no scripts, nothing fetched) showing a
 * history as a timeline: one lane per client, each op a bar from call to return. With an
 * explanation it draws only the failing partition, shades the failing window, highlights the core,
 * marks the op that cannot be placed and numbers the ops of the prefix's linearization.
 *
 * The x axis is event order, not time: real histories mix ops of a few ticks with ops that hang for
 * thousands, and on a linear scale the short ones (usually the interesting ones) vanish.
 */
import { explanationText, opLabel, type ExplainedOp, type LinExplanation } from './explain.js';
import type { History } from './history.js';

/** More ops than this and only the window and some context are drawn. */
export const MAX_DRAWN_OPS = 400;
/** Ops drawn on either side of the window when it is cut down. */
const CONTEXT_OPS = 40;

const LANE_H = 40;
const BAR_H = 10;
/** The bar's top within its lane: room for a label above it and one below. */
const BAR_Y = 15;
const LEFT = 96;
const TOP = 44;
const PENDING_TAIL = 48;
/** Longer labels are cut in the drawing (the tooltip and the text above have them whole). */
const MAX_LABEL = 40;

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** The ops to draw and, when not all of them, a sentence saying which. */
function selectOps(h: History, ex: LinExplanation | undefined): { ops: ExplainedOp[]; note?: string } {
  if (ex === undefined) {
    const keyed = new Set(h.ops.map((op) => op.input.key)).size > 1;
    const all: ExplainedOp[] = h.ops.map((op, index) => ({
      index,
      client: op.client,
      call: op.call,
      return: op.pending ? null : op.return,
      label: keyed ? `${op.input.key}: ${opLabel(op)}` : opLabel(op),
      cut: 'complete',
      inCore: false,
      failingOp: false,
      prefixPos: null,
    }));
    if (all.length <= MAX_DRAWN_OPS) return { ops: all };
    return { ops: all.slice(0, MAX_DRAWN_OPS), note: `showing the first ${MAX_DRAWN_OPS} of ${all.length} ops` };
  }
  const where = ex.key === '' ? '' : ` of key ${JSON.stringify(ex.key)}`;
  const others = h.ops.length - ex.ops.length;
  const partNote = others > 0 ? `showing the ${ex.ops.length} ops${where} (the failing partition); ${others} ops of other keys are not drawn` : undefined;
  if (ex.ops.length <= MAX_DRAWN_OPS) return { ops: ex.ops, note: partNote };
  const [w0, w1] = ex.window;
  // Ops with an event inside the window, the core and the failing op, then context on both sides.
  const inside = (o: ExplainedOp): boolean => o.inCore || o.failingOp || (o.call >= w0 && o.call <= w1) || (o.return !== null && o.return >= w0 && o.return <= w1);
  const chosen = new Set(ex.ops.filter(inside).map((o) => o.index));
  const before = ex.ops.filter((o) => !chosen.has(o.index) && o.return !== null && o.return < w0).sort((a, b) => b.return! - a.return!);
  const after = ex.ops.filter((o) => !chosen.has(o.index) && o.call > w1).sort((a, b) => a.call - b.call);
  for (const o of [...before.slice(0, CONTEXT_OPS), ...after.slice(0, CONTEXT_OPS)]) chosen.add(o.index);
  const ops = ex.ops.filter((o) => chosen.has(o.index));
  return {
    ops,
    note: `showing ${ops.length} of the ${ex.ops.length} ops${where}: those with a call or return in the failing window [${w0}, ${w1}], plus up to ${CONTEXT_OPS} on either side`,
  };
}

/** A standalone HTML page with the timeline of `h` and, if given, the explanation of why it is not linearizable. */
export function timelineHtml(h: History, ex: LinExplanation | undefined, title?: string): string {
  const heading = title ?? (ex === undefined ? `${h.name}: timeline` : `${h.name}: not linearizable`);
  const { ops, note } = selectOps(h, ex);

  // Ordinal time: every call, return and marked time gets the next slot.
  const marks: number[] = [];
  for (const o of ops) {
    marks.push(o.call);
    if (o.return !== null) marks.push(o.return);
  }
  if (ex !== undefined) {
    marks.push(ex.window[0], ex.window[1], ex.failingPoint.time);
    if (ex.prefix.time !== null) marks.push(ex.prefix.time);
  }
  const times = [...new Set(marks)].sort((a, b) => a - b);
  const slot = new Map(times.map((t, i) => [t, i]));
  const step = Math.max(12, Math.min(28, Math.floor(1200 / Math.max(1, times.length))));
  const x = (t: number): number => LEFT + 12 + slot.get(t)! * step;
  const xEnd = LEFT + 12 + Math.max(0, times.length - 1) * step + PENDING_TAIL;
  const width = xEnd + 24;

  const clients = [...new Set(ops.map((o) => o.client))].sort((a, b) => a - b);
  const lane = new Map(clients.map((c, i) => [c, i]));
  const bottom = TOP + clients.length * LANE_H;
  const height = bottom + 34;

  const svg: string[] = [];
  svg.push(`<svg width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(heading)}">`);
  svg.push(
    '<defs><linearGradient id="pending-fade" x1="0" x2="1" y1="0" y2="0">' +
      '<stop offset="0" stop-color="#9fb7d4" stop-opacity="1"/><stop offset="1" stop-color="#9fb7d4" stop-opacity="0"/></linearGradient>' +
      '<linearGradient id="pending-fade-core" x1="0" x2="1" y1="0" y2="0">' +
      '<stop offset="0" stop-color="#d9534f" stop-opacity="1"/><stop offset="1" stop-color="#d9534f" stop-opacity="0"/></linearGradient></defs>',
  );
  clients.forEach((c, i) => {
    const y = TOP + i * LANE_H;
    if (i % 2 === 1) svg.push(`<rect class="lane" x="0" y="${y}" width="${width}" height="${LANE_H}"/>`);
    svg.push(`<text class="client" x="8" y="${y + BAR_Y + BAR_H - 1}">client ${esc(String(c))}</text>`);
  });

  if (ex !== undefined) {
    const wx0 = x(ex.window[0]) - step / 2;
    const wx1 = x(ex.window[1]) + step / 2;
    svg.push(`<rect class="window" x="${wx0}" y="${TOP - 16}" width="${wx1 - wx0}" height="${bottom - TOP + 16}"><title>failing window [${ex.window[0]}, ${ex.window[1]}]</title></rect>`);
    svg.push(`<text class="window-label" x="${wx0 + 3}" y="${TOP - 5}">failing window [${ex.window[0]}, ${ex.window[1]}]</text>`);
    const fx = x(ex.failingPoint.time);
    svg.push(`<line class="fail-line" x1="${fx}" x2="${fx}" y1="${TOP - 30}" y2="${bottom}"/>`);
    svg.push(`<text class="fail-label" x="${fx + 3}" y="${TOP - 22}">fails at t=${ex.failingPoint.time}</text>`);
    if (ex.prefix.time !== null) {
      const px = x(ex.prefix.time);
      svg.push(`<line class="prefix-line" x1="${px}" x2="${px}" y1="${TOP - 30}" y2="${bottom}"/>`);
      svg.push(`<text class="prefix-label" x="${px - 3}" y="${TOP - 22}" text-anchor="end">prefix ends t=${ex.prefix.time}</text>`);
    }
  }

  // Labels alternate above and below the bars of a lane, so that neighbours collide less.
  const nth = new Map<number, number>();
  for (const o of [...ops].sort((a, b) => a.call - b.call || a.index - b.index)) {
    const k = nth.get(o.client) ?? 0;
    nth.set(o.client, k + 1);
    const y = TOP + lane.get(o.client)! * LANE_H + BAR_Y;
    const labelY = k % 2 === 0 ? y - 3 : y + BAR_H + 11;
    const x0 = x(o.call);
    const pending = o.return === null;
    const x1 = pending ? xEnd : Math.max(x(o.return!), x0 + 3);
    const classes = ['op'];
    if (o.inCore) classes.push('core');
    if (o.failingOp) classes.push('failing');
    if (pending) classes.push('pending');
    if (o.cut === 'dropped') classes.push('after');
    const tip = `#${o.index} client ${o.client} [${o.call}, ${pending ? 'pending' : o.return}] ${o.label}` +
      (o.inCore ? ' (core)' : '') + (o.failingOp ? ' (cannot be placed)' : '') + (o.prefixPos !== null ? ` (prefix position ${o.prefixPos + 1})` : '');
    svg.push(`<g class="${classes.join(' ')}"><title>${esc(tip)}</title>`);
    svg.push(`<rect x="${x0}" y="${y}" width="${x1 - x0}" height="${BAR_H}" rx="2"/>`);
    const num = o.prefixPos !== null ? `<tspan class="pos">${o.prefixPos + 1}.</tspan> ` : '';
    const label = o.label.length > MAX_LABEL ? `${o.label.slice(0, MAX_LABEL - 1)}…` : o.label;
    svg.push(`<text class="label" x="${x0}" y="${labelY}">${num}${esc(label)}</text>`);
    if (o.failingOp) svg.push(`<text class="cross" x="${x1 + 2}" y="${y + BAR_H}">✗</text>`);
    svg.push('</g>');
  }

  // Time ticks, sparse enough not to collide.
  const every = Math.max(1, Math.ceil(56 / step));
  svg.push(`<line class="axis" x1="${LEFT}" x2="${xEnd}" y1="${bottom + 6}" y2="${bottom + 6}"/>`);
  times.forEach((t, i) => {
    if (i % every !== 0 || x(t) > xEnd - 70) return;
    svg.push(`<line class="axis" x1="${x(t)}" x2="${x(t)}" y1="${bottom + 3}" y2="${bottom + 9}"/><text class="tick" x="${x(t)}" y="${bottom + 21}" text-anchor="middle">${t}</text>`);
  });
  svg.push(`<text class="tick" x="${xEnd}" y="${bottom + 21}" text-anchor="end">pending →</text>`);
  svg.push('</svg>');

  const text = ex === undefined ? `${h.name}: no explanation (linearizable, or not explained)` : explanationText(h, ex);
  const legend = [
    '<span><i class="sw sw-op"></i>op (call to return)</span>',
    '<span><i class="sw sw-pending"></i>pending op (no return)</span>',
  ];
  if (ex !== undefined) {
    legend.push(
      '<span><i class="sw sw-core"></i>core op (cannot be linearized together)</span>',
      '<span><i class="sw sw-failing"></i>✗ the op that cannot be placed</span>',
      '<span><i class="sw sw-window"></i>failing window</span>',
      '<span><i class="sw sw-after"></i>called after the failing point</span>',
      '<span><b class="pos">n.</b> position in the prefix’s linearization</span>',
    );
  }
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<title>${esc(heading)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    `<h1>${esc(heading)}</h1>`,
    `<pre class="explanation">${esc(text)}</pre>`,
    `<div class="legend">${legend.join('')}</div>`,
    `<p class="note">x axis: event order, not to scale (ticks give the times).${note === undefined ? '' : ` ${esc(note)}.`}</p>`,
    `<div class="scroll">${svg.join('\n')}</div>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

const CSS = `
body { font: 14px system-ui, sans-serif; margin: 16px; color: #222; }
h1 { font-size: 18px; margin: 0 0 8px; }
pre.explanation { background: #f6f6f6; border: 1px solid #ddd; padding: 8px; white-space: pre-wrap; }
.legend span { margin-right: 16px; white-space: nowrap; }
.sw { display: inline-block; width: 22px; height: 10px; margin-right: 4px; vertical-align: middle; border-radius: 2px; }
.sw-op { background: #9fb7d4; }
.sw-pending { background: linear-gradient(to right, #9fb7d4, transparent); border: 1px dashed #6a86a8; }
.sw-core { background: #d9534f; }
.sw-failing { background: #d9534f; border: 2px solid #000; }
.sw-window { background: #f8dcdc; }
.sw-after { background: #9fb7d4; opacity: 0.35; }
.note { color: #666; font-size: 12px; }
.scroll { overflow-x: auto; border: 1px solid #ddd; }
svg { font: 10px system-ui, sans-serif; display: block; }
.lane { fill: #fafafa; }
.client { fill: #555; font-size: 11px; }
.window { fill: #f8dcdc; fill-opacity: 0.7; }
.window-label { fill: #a33; }
.fail-line { stroke: #c00; stroke-dasharray: 4 3; }
.fail-label { fill: #c00; }
.prefix-line { stroke: #888; stroke-dasharray: 2 3; }
.prefix-label { fill: #666; }
.op rect { fill: #9fb7d4; stroke: #6a86a8; }
.op.core rect { fill: #d9534f; stroke: #8b1e1b; }
.op.failing rect { stroke: #000; stroke-width: 2.5; }
.op.pending rect { stroke-dasharray: 3 2; fill: url(#pending-fade); }
.op.core.pending rect { fill: url(#pending-fade-core); }
.op.after { opacity: 0.35; }
.label { fill: #222; }
.op.core .label { fill: #8b1e1b; font-weight: bold; }
.pos { fill: #1f5fa8; color: #1f5fa8; font-weight: bold; }
.cross { fill: #000; font-weight: bold; font-size: 12px; }
.axis { stroke: #999; }
.tick { fill: #777; }
`;
