// The lab machine: a pure update over one lab's progress, fed with the learner's prediction and
// actions, the lifecycle machine's state, the server's log lines and the probes' results. It
// returns effects for the UI to run (a step on the live source, a restart with the lab's flags).
import {type HistoryEntry, initialState, type LifecycleState} from '../lifecycle/machine';
import type {ServerFlags} from '../live/source';
import {GOALS} from './goals';
import {labById} from './labs';
import type {Acted, Facts, Lab, LabId, LabStep, LogLine, Observation, ProbeResult} from './types';

export type LabPhase = 'not-tried' | 'predicted' | 'acting' | 'observed';

export interface Verdict {
	right?: boolean; // undefined: no prediction was made
	planned: boolean;
	unplanned?: string;
	predicted?: string; // the prediction, in words
	happened: string; // what happened, in words
}

export interface LabState {
	id: LabId;
	server: 'server' | 'gunicorn'; // which server the lab runs on (LiveSource.kind)
	phase: LabPhase;
	prediction?: number; // a choice's index, or the number predicted
	since?: number; // the lifecycle seq when the learner began to act
	before?: LifecycleState;
	lifecycle: LifecycleState;
	entries: HistoryEntry[]; // the experiment's events, collected as they come (the history forgets the oldest)
	acted: Acted[];
	results: Array<ProbeResult & {at: number}>;
	logs: LogLine[];
	hints: number; // 0 to 3 shown
	notes: string[]; // what the goal says meanwhile (out of order, surprises)
	verdict?: Verdict;
	reveal?: string[];
}

export type LabMsg =
	| {type: 'predict'; answer: number}
	| {type: 'act'; step: LabStep; at: number}
	| {type: 'lifecycle'; state: LifecycleState}
	| {type: 'log'; line: string; at: number}
	| {type: 'result'; result: ProbeResult; at: number}
	| {type: 'hint'}
	| {type: 'reset'};

export type LabEffect =
	| {type: 'run'; step: LabStep; lab: LabId} // run it on the live source (effects.ts: runStep)
	| {type: 'restart'; flags: ServerFlags}; // the live source's restartWith(flags)

const LOGS_KEPT = 200;
/**
 * The lifecycle's history keeps a bounded window of events to step back through (each holds the
 * state it produced), and a lab's burst of 200 requests alone is more than 1,000 events: the lab
 * collects its own copies of the experiment's events (without those states), bounded far above
 * any lab's needs so a lab left acting under an endless load stays small (about 100 B an event).
 */
export const LAB_ENTRIES_KEPT = 20_000;
const NO_PREDICTION = 'No prediction yet: what happens is recorded anyway.';

export function initialLab(
	id: LabId,
	server: LabState['server'] = 'server',
	lifecycle: LifecycleState = initialState,
): LabState {
	return {
		id,
		server,
		phase: 'not-tried',
		lifecycle,
		entries: [],
		acted: [],
		results: [],
		logs: [],
		hints: 0,
		notes: [],
	};
}

const lab = (s: LabState): Lab => labById(s.id)!;
const fill = (line: string, facts: Facts) => line.replace(/\{(\w+)\}/g, (m, name) => String(facts[name] ?? m));

/** The prediction in words: the option, or the number and unit. */
export function predictionText(l: Lab, answer: number | undefined): string | undefined {
	if (answer === undefined) return undefined;
	return l.prediction.kind === 'choice'
		? (l.prediction.options[answer] ?? `option ${answer + 1}`)
		: `${answer} ${l.prediction.unit}`;
}

/**
 * A number prediction is right within the tolerance, its edge included: figures are measured to a tenth,
 * and 3.6 - 3 is 0.6000000000000001 in floating point, so compare in tenths.
 */
export const withinTolerance = (predicted: number, measured: number, tolerance: number) =>
	Math.round(Math.abs(predicted - measured) * 10) <= Math.round(tolerance * 10);

function verdictOf(s: LabState, l: Lab, o: Extract<Observation, {done: true}>): Verdict {
	const p = l.prediction;
	const happenedChoice = p.kind === 'choice' ? (o.choice ?? p.answer) : undefined;
	const happened = p.kind === 'choice' ? p.options[happenedChoice!] : `${o.value ?? '?'} ${p.unit}`;
	let right: boolean | undefined;
	if (s.prediction !== undefined)
		right =
			p.kind === 'choice'
				? s.prediction === happenedChoice
				: o.value !== undefined && withinTolerance(s.prediction, o.value, p.tolerance);
	return {right, planned: o.planned, unplanned: o.unplanned, predicted: predictionText(l, s.prediction), happened};
}

/** The reveal: the prediction beside what happened, the real figures, and why. */
function revealOf(l: Lab, v: Verdict, facts: Facts, onGunicorn: boolean): string[] {
	const judged = v.right === undefined ? 'no prediction made' : v.right ? 'right' : 'not what happened';
	return [
		`You predicted: ${v.predicted ?? '-'} (${judged}). It happened: ${v.happened}.`,
		...(v.planned ? [] : [`Not as planned: ${v.unplanned ?? 'the steps came in another order'}`]),
		...l.reveal.map(line => fill(line, facts)),
		l.why,
		...(l.gunicornOnly && !onGunicorn ? [l.gunicornOnly] : []),
		...l.differs,
	];
}

/** Runs the goal over what has been collected; observed once it says the experiment happened. */
function observe(s: LabState): LabState {
	if (s.phase !== 'acting' || s.since === undefined) return s;
	const l = lab(s);
	const o = GOALS[l.goal]({
		lab: l,
		since: s.since,
		entries: s.entries,
		before: s.before ?? initialState,
		state: s.lifecycle,
		acted: s.acted,
		results: s.results,
		logs: s.logs,
	});
	const notes = [...(s.prediction === undefined ? [NO_PREDICTION] : []), ...o.notes];
	if (!o.done) return sameNotes(s.notes, notes) ? s : {...s, notes};
	const verdict = verdictOf(s, l, o);
	const reveal = revealOf(l, verdict, o.facts, s.server === 'gunicorn');
	return {...s, phase: 'observed', notes, verdict, reveal};
}

/** Adds the events the history gained since `was` to the experiment's own (plain copies: no states kept). */
function collect(s: LabState, was: LifecycleState): LabState {
	if (s.phase !== 'acting' || s.since === undefined || s.lifecycle.seq === was.seq) return s;
	const after = Math.max(s.since, s.entries.at(-1)?.seq ?? -Infinity);
	const {history} = s.lifecycle;
	let i = history.length;
	while (i > 0 && history[i - 1].seq > after) i--;
	if (i === history.length) return s;
	const added = history.slice(i).map(({seq, event, at}) => ({seq, event, at}));
	const entries = s.entries.concat(added);
	return {...s, entries: entries.length > LAB_ENTRIES_KEPT ? entries.slice(-LAB_ENTRIES_KEPT) : entries};
}

const sameNotes = (a: string[], b: string[]) => a.length === b.length && a.every((n, i) => n === b[i]);

/** One message in, the next state and the effects to run. Never throws: anything out of order is noted. */
export function labUpdate(s: LabState, msg: LabMsg): {state: LabState; effects: LabEffect[]} {
	const none = (state: LabState) => ({state, effects: []});
	switch (msg.type) {
		case 'predict':
			if (s.phase === 'observed') return none(s); // too late to change it: reset to try again
			return none(observe({...s, prediction: msg.answer, phase: s.phase === 'acting' ? 'acting' : 'predicted'}));
		case 'act': {
			const effects: LabEffect[] = [{type: 'run', step: msg.step, lab: s.id}];
			if (s.phase === 'observed') return {state: s, effects}; // the server still does it
			const starting = s.phase !== 'acting';
			const next: LabState = {
				...s,
				phase: 'acting',
				since: starting ? s.lifecycle.seq : s.since,
				before: starting ? s.lifecycle : s.before,
				entries: starting ? [] : s.entries,
				acted: [...s.acted, {step: msg.step, at: msg.at, seq: s.lifecycle.seq}],
				notes:
					starting && s.prediction === undefined
						? ['No prediction yet: what happens is recorded anyway.']
						: s.notes,
			};
			return {state: observe(next), effects};
		}
		case 'lifecycle':
			return none(observe(collect({...s, lifecycle: msg.state}, s.lifecycle)));
		case 'log':
			if (s.phase !== 'acting') return none(s);
			return none(observe({...s, logs: [...s.logs.slice(1 - LOGS_KEPT), {line: msg.line, at: msg.at}]}));
		case 'result':
			if (s.phase !== 'acting') return none(s);
			return none(observe({...s, results: [...s.results, {...msg.result, at: msg.at}]}));
		case 'hint':
			return none({...s, hints: Math.min(3, s.hints + 1)});
		case 'reset':
			return {
				state: {
					...initialLab(s.id, s.server, s.lifecycle),
					prediction: s.prediction,
					phase: s.prediction === undefined ? 'not-tried' : 'predicted',
					hints: s.hints,
				},
				effects: [{type: 'restart', flags: lab(s).setup}],
			};
	}
}

/** The hints shown so far: a nudge, then where to look, then the answer. */
export const shownHints = (s: LabState): string[] => lab(s).hints.slice(0, s.hints);

/** What is saved with progress, and shown in a list of labs. */
export type LabOutcome = 'not tried' | 'predicted' | 'acting' | 'right' | 'wrong' | 'observed';
export function outcomeOf(s: LabState): LabOutcome {
	if (s.phase !== 'observed') return s.phase === 'not-tried' ? 'not tried' : s.phase;
	return s.verdict?.right === undefined ? 'observed' : s.verdict.right ? 'right' : 'wrong';
}
