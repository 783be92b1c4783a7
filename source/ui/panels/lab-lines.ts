// What the Labs panel shows, as lines of text: the list of labs with their states, or one lab:
// its question, the prediction, the steps with their keys, what to watch, the hints, and once
// observed the reveal first (the prediction beside what happened, the real figures, the log).
import {labById} from '../../labs/labs';
import {shownHints, type LabState} from '../../labs/machine';
import {setupText} from '../../labs/sheet';
import type {Lab, LabId} from '../../labs/types';
import {wrap} from '../../lesson/plain';
import {LAB_STEP_KEYS} from '../lab-keys';
import {labOrder, labOutcome, type LabsUi} from '../labs-ui';

export const LETTERS = 'abcd';
const BAR_MAX = 30;
/** The reveal's last log lines, drawn and said. */
export const REVEAL_LOGS = 3;

/** The lab's verdict in a word or two, drawn and said. */
export function verdictWord(s: LabState): string {
	const right = s.verdict?.right;
	return right === undefined ? 'Observed.' : right ? 'Right.' : 'Not what happened.';
}

/** The requests last sent together and timed, if any. */
export function lastTimed(s: LabState) {
	const timed = s.results.filter(r => r.kind === 'timed').at(-1);
	return timed?.kind === 'timed' ? timed.results : undefined;
}

/** One line per request sent together: its latency as a bar. */
export function latencyChart(s: LabState, width: number): string[] {
	const results = lastTimed(s);
	if (!results) return [];
	const longest = Math.max(1, ...results.map(r => r.ms));
	const bars = Math.min(BAR_MAX, width - 20);
	return [
		'Latency of each request:',
		...results.map((r, i) => {
			const n = Math.max(1, Math.round((r.ms / longest) * bars));
			return `  ${i + 1} ${'█'.repeat(n)} ${(r.ms / 1000).toFixed(2)} s${r.status ? '' : ' (no answer)'}`;
		}),
	];
}

function listLines(ui: LabsUi, chapter: string, attached: boolean, width: number): string[] {
	const lines = labOrder(chapter).map((lab, i) => {
		const mark = i === ui.cursor ? '›' : ' ';
		const state = labOutcome(ui, lab.id).padEnd(9);
		return `${mark} ${state} ${lab.id.padEnd(16)} ${lab.title}`.slice(0, width);
	});
	const how = attached
		? ['Enter opens a lab; its keys then act on the attached server.']
		: wrap(
				'No server attached: labs act on a real one. Start one with gunicorn-walkthrough --lab NAME ' +
					'(our server; add --gunicorn for real Gunicorn), e.g. --lab respawn.',
				width,
			);
	return [...how, ...lines];
}

function predictionLines(lab: Lab, s: LabState, typing: string | undefined, width: number): string[] {
	const p = lab.prediction;
	if (p.kind === 'number') {
		const said =
			typing !== undefined ? `typing: ${typing}_ (Enter predicts, Esc cancels)` : 'e, then a number and Enter';
		return [`Predict (${p.unit}): ${s.prediction === undefined ? said : `${s.prediction} ${p.unit}`}`];
	}
	return p.options.flatMap((o, i) =>
		wrap(`${s.prediction === i ? '›' : ' '} ${LETTERS[i]}) ${o}`, width, '     ').map((l, j) =>
			j ? l : l.trimStart().padStart(l.length),
		),
	);
}

function stepLines(lab: Lab, s: LabState, attached: boolean): string[] {
	const done = (i: number) => s.acted.filter(a => a.step === lab.steps[i]).length > 0;
	return [
		attached ? 'Do:' : 'Do (with a server attached):',
		...lab.steps.map((st, i) => `  [${LAB_STEP_KEYS[st.command]}] ${st.label}${done(i) ? ' ✓' : ''}`),
	];
}

/** The reveal; `again` says how to run it again (a workshop attendee cannot). */
export function revealLines(s: LabState, width: number, again = ' (R resets and runs it again)'): string[] {
	const logs = s.logs.slice(-REVEAL_LOGS).map(l => `  log: ${l.line}`.slice(0, width));
	return [
		`${verdictWord(s)}${again}`,
		...(s.reveal ?? []).flatMap(line => wrap(line, width)),
		...latencyChart(s, width),
		...(logs.length ? ["The server's log meanwhile (last lines):", ...logs] : []),
		'',
	];
}

export function openLines(ui: LabsUi, id: LabId, attached: boolean, width: number): string[] {
	const lab = labById(id)!;
	const s = ui.states[id];
	if (!s) return [];
	const status = ui.status ? [`! ${ui.status}`] : [];
	const phase = labOutcome(ui, id);
	const top = [
		`${lab.id}: ${lab.title} [${phase}]  (Esc: all labs)`.slice(0, width),
		...wrap(`Setup: ${setupText(lab)} (R restarts with it)`, width),
	];
	const hints = shownHints(s);
	const body = [
		...wrap(`Q: ${lab.question}`, width),
		...predictionLines(lab, s, ui.typing, width),
		...stepLines(lab, s, attached),
		...wrap(`Watch: ${lab.watch}`, width),
		...hints.flatMap((h, i) => wrap(`Hint ${i + 1}: ${h}`, width)),
		...(s.phase === 'acting' ? s.notes.flatMap(n => wrap(`Note: ${n}`, width)) : []),
		...(s.phase === 'acting' ? ['Watching the server …'] : []),
		...(lab.gunicornOnly && s.server !== 'gunicorn' ? wrap(lab.gunicornOnly, width) : []),
	];
	const reveal = s.phase === 'observed' ? revealLines(s, width) : [];
	return [...status, ...top, ...reveal, ...body];
}

export function labsLines(ui: LabsUi, chapter: string, attached: boolean, width: number): string[] {
	return ui.open ? openLines(ui, ui.open, attached, width) : listLines(ui, chapter, attached, width);
}
