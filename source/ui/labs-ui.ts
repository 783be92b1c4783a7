// The Labs panel's state: which lab is open, each lab's machine (source/labs/machine.ts), the
// number being typed, and the outcomes saved with progress. Pure, like model.ts: the update loop
// (loop.ts) applies these actions and turns the lab machine's effects into its own.
import type {LifecycleState} from '../lifecycle/machine';
import {labById, LABS} from '../labs/labs';
import {findChapter} from '../lesson/chapters';
import {
	initialLab,
	labUpdate,
	outcomeOf,
	type LabEffect,
	type LabMsg,
	type LabOutcome,
	type LabState,
} from '../labs/machine';
import type {Lab, LabId, LabStep} from '../labs/types';
import type {LiveCommand} from './model';

/** What is saved per lab: the prediction made, and how it came out. */
export interface SavedLab {
	prediction?: number;
	outcome: LabOutcome;
}

export interface LabsUi {
	cursor: number; // the list's cursor, an index into labOrder()
	open?: LabId;
	typing?: string; // a number prediction as typed so far
	states: Partial<Record<LabId, LabState>>;
	saved: Partial<Record<LabId, SavedLab>>;
	lifecycle?: LifecycleState; // the newest, for a lab opened now
	status?: string; // the server's trouble, in one line (could not start)
}

export type LabAction =
	| {type: 'move'; by: number}
	| {type: 'open'; id?: LabId}
	| {type: 'back'}
	| {type: 'predict'; answer: number}
	| {type: 'type'; text?: string} // undefined: stop typing
	| {type: 'act'; command: LiveCommand; label: string}
	| {type: 'hint'}
	| {type: 'reset'}
	| {type: 'status'; text?: string};

export interface LabsWhere {
	chapter: string;
	server?: 'server' | 'gunicorn'; // undefined: no server attached
}

export const initialLabsUi = (saved: LabsUi['saved'] = {}, open?: LabId): LabsUi => ({
	cursor: 0,
	states: {},
	saved,
	...(open ? {open} : {}),
});

const chapterLabs = new Map<string, string[]>();
/** The lab ids a chapter's data lists (built once per chapter). */
function labsOf(chapter: string): string[] {
	let ids = chapterLabs.get(chapter);
	if (!ids) {
		ids = findChapter(chapter)?.lesson('default').labs ?? [];
		chapterLabs.set(chapter, ids);
	}
	return ids;
}

/** Every lab, the current chapter's first. */
export function labOrder(chapter: string): Lab[] {
	const first = labsOf(chapter);
	return [...first.flatMap(id => labById(id) ?? []), ...LABS.filter(l => !first.includes(l.id))];
}

/** A lab's state in the list: its machine's, else the saved one. */
export const labOutcome = (ui: LabsUi, id: LabId): LabOutcome => {
	const s = ui.states[id];
	return s ? outcomeOf(s) : (ui.saved[id]?.outcome ?? 'not tried');
};

/** The lab's step a key does: the next planned one of that command, else one outside the plan. */
export function stepFor(lab: Lab, s: LabState | undefined, command: LiveCommand, label: string): LabStep {
	const planned = lab.steps.filter(st => st.command === command);
	if (!planned.length) return {command, label};
	const done = s?.acted.filter(a => a.step.command === command).length ?? 0;
	return planned[Math.min(done, planned.length - 1)];
}

const stateOf = (ui: LabsUi, id: LabId, where: LabsWhere): LabState =>
	ui.states[id] ?? {
		...initialLab(id, where.server ?? 'server', ui.lifecycle),
		prediction: ui.saved[id]?.prediction,
		phase: ui.saved[id]?.prediction === undefined ? 'not-tried' : 'predicted',
	};

/** Keeps the saved map in step: a new object only when an outcome or prediction changed. */
function withSaved(ui: LabsUi, id: LabId): LabsUi {
	const s = ui.states[id];
	if (!s || s.phase === 'not-tried') return ui;
	const next: SavedLab = {outcome: outcomeOf(s), ...(s.prediction === undefined ? {} : {prediction: s.prediction})};
	const was = ui.saved[id];
	// A lab reset and tried again keeps the outcome it reached until it is observed again.
	const final = (o?: LabOutcome) => o === 'right' || o === 'wrong' || o === 'observed';
	if (!final(next.outcome) && final(was?.outcome)) return ui;
	if (was?.outcome === next.outcome && was.prediction === next.prediction) return ui;
	return {...ui, saved: {...ui.saved, [id]: next}};
}

export interface LabsNext {
	ui: LabsUi;
	effects: Array<{id: LabId; effect: LabEffect}>;
}

/** Sends one message to a lab's machine. */
export function toLab(ui: LabsUi, id: LabId, msg: LabMsg, where: LabsWhere): LabsNext {
	const {state, effects} = labUpdate(stateOf(ui, id, where), msg);
	return {
		ui: withSaved({...ui, states: {...ui.states, [id]: state}}, id),
		effects: effects.map(effect => ({id, effect})),
	};
}

/** What the host reports: the lifecycle goes to the open lab and to every lab still acting. */
export function labsHear(ui: LabsUi, msg: LabMsg, where: LabsWhere, id?: LabId): LabsNext {
	if (id) return toLab(ui, id, msg, where);
	let next: LabsUi = msg.type === 'lifecycle' ? {...ui, lifecycle: msg.state} : ui;
	const ids = Object.keys(ui.states) as LabId[];
	for (const lab of ids) {
		const s = ui.states[lab]!;
		if (lab === ui.open || s.phase === 'acting') next = toLab(next, lab, msg, where).ui;
	}
	return {ui: next, effects: []};
}

export function labsUpdate(ui: LabsUi, a: LabAction, where: LabsWhere, at: number): LabsNext {
	const none = (u: LabsUi): LabsNext => ({ui: u, effects: []});
	const order = labOrder(where.chapter);
	const open = ui.open ? labById(ui.open) : undefined;
	switch (a.type) {
		case 'move':
			if (open) return none(ui);
			return none({...ui, cursor: Math.max(0, Math.min(order.length - 1, ui.cursor + a.by))});
		case 'open': {
			const id = a.id ?? order[ui.cursor]?.id;
			if (!id) return none(ui);
			return none({...ui, open: id, typing: undefined, states: {...ui.states, [id]: stateOf(ui, id, where)}});
		}
		case 'back':
			return none({...ui, open: undefined, typing: undefined});
		case 'status':
			return none({...ui, status: a.text});
		case 'type':
			return none({...ui, typing: a.text});
	}
	if (!open) return none(ui);
	switch (a.type) {
		case 'predict':
			return toLab({...ui, typing: undefined}, open.id, {type: 'predict', answer: a.answer}, where);
		case 'hint':
			return toLab(ui, open.id, {type: 'hint'}, where);
		case 'reset':
			return toLab({...ui, status: undefined}, open.id, {type: 'reset'}, where);
		case 'act': {
			const step = stepFor(open, ui.states[open.id], a.command, a.label);
			return toLab(ui, open.id, {type: 'act', step, at}, where);
		}
	}
}
