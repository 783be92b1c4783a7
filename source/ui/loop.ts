// The update loop (Elm's, as Bubble Tea's): every message becomes the next state and the effects
// the host runs: a live command, saving progress, quitting, the autoplay timer. Pure. The attached
// server's events, log lines and command outcomes are messages too (live-model.ts folds them).
import type {LabEffect, LabMsg} from '../labs/machine';
import type {LabId} from '../labs/types';
import {labsHear, labsUpdate, type LabsNext, type LabsWhere} from './labs-ui';
import {liveCommand, liveStep, type LiveMsg} from './live-model';
import {interpretKey, update, type Context, type Key, type LiveCommand, type UiState} from './model';
import {leadLab, NO_SHARED_SERVER, type RoomCommand} from './room-keys';

export const AUTOPLAY_MS = 2500;

export type Msg =
	/** One read of keys: several characters are several presses. `question`: what to ask before quitting. */
	| {type: 'key'; input: string; key: Key; page: number; question?: string}
	| {type: 'tick'} // the autoplay timer fired
	| {type: 'lead'; chapter?: string; step: number; panel: string} // the instructor moved
	| {type: 'poll'} // the room pushed a poll to this attendee, or revealed it
	/** For the labs: the lifecycle, log lines (to the open and acting labs), a probe's results (to its lab). */
	| {type: 'lab'; msg: LabMsg; id?: LabId}
	| {type: 'labStatus'; text?: string} // the server could not start (or could again)
	| LiveMsg;

export type Effect =
	| {type: 'live'; command: LiveCommand; path?: string}
	/** The room's: the instructor's poll and hands, an attendee's answer and hand (`question`: the quiz's index). */
	| {type: 'room'; command: RoomCommand; option?: number; question: number; lab?: LabId}
	| {type: 'save'} // progress changed: report it to the host
	| {type: 'quit'}
	| {type: 'timer'; ms?: number} // (re)start the autoplay timer; without ms, stop it
	| {type: 'lab'; id: LabId; effect: LabEffect}; // a lab's step or restart, on the live source

export interface Next {
	state: UiState;
	effects: Effect[];
}

/** Keys typed quickly, pasted or batched by SSH arrive as one string ("nn"): each is a press. */
const pressesOf = (input: string, key: Key) =>
	input.length > 1 && !key.ctrl && !key.meta && !/[\x00-\x1f\x7f]/.test(input) ? [...input] : [input];

function keys(s: UiState, msg: Extract<Msg, {type: 'key'}>, ctx: Context): Next {
	const effects: Effect[] = [];
	let state = s;
	for (const press of pressesOf(msg.input, msg.key)) {
		const intent = interpretKey(press, msg.key, state, ctx, msg.page);
		if (intent.kind === 'quit') {
			if (state.confirm || !msg.question) return {state, effects: [...effects, {type: 'quit'}]};
			state = update(state, {type: 'confirm', question: msg.question}, ctx);
		} else if (intent.kind === 'live') {
			if (state.asking !== undefined) state = update(state, {type: 'ask'}, ctx);
			if (!state.live) continue;
			const asked = liveCommand(state.live, intent.command, intent.path);
			state = asked.live === state.live ? state : {...state, live: asked.live};
			if (asked.run) effects.push({type: 'live', command: intent.command, path: asked.path});
		} else if (intent.kind === 'room' && intent.command === 'lead') {
			// Leading a lab resets it on the instructor's side (the room's server restarts with its flags).
			const led = ctx.live ? leadLab(state.labs, where(state, ctx)) : undefined;
			if (!led) state = {...state, notice: NO_SHARED_SERVER};
			else {
				state = {
					...state,
					labs: led.next.ui,
					notice: `Leading ${led.id}: the server restarts with its flags; its steps are on L`,
				};
				effects.push(...labEffects(led.next), {type: 'room', command: 'lead', question: 0, lab: led.id});
			}
		} else if (intent.kind === 'room') {
			effects.push({type: 'room', command: intent.command, option: intent.option, question: state.quiz.index});
		} else if (intent.kind === 'action') state = update(state, intent.action, ctx);
		else if (intent.kind === 'lab') {
			const next = labsUpdate(state.labs, intent.action, where(state, ctx), Date.now());
			state = {...state, labs: next.ui, notice: undefined};
			effects.push(...labEffects(next));
		}
	}
	return {state, effects};
}

const where = (s: UiState, ctx: Context): LabsWhere => ({chapter: s.chapter, server: ctx.server});
const labEffects = (next: LabsNext): Effect[] => next.effects.map(e => ({type: 'lab', ...e}));

const saved = (a: UiState, b: UiState) =>
	a.labs.saved === b.labs.saved &&
	a.chapter === b.chapter &&
	a.step === b.step &&
	a.panel === b.panel &&
	a.quiz.answers === b.quiz.answers &&
	a.following === b.following;

/** What follows from a change of state: save it, start or stop autoplay's timer. */
function consequences(before: UiState, after: UiState): Effect[] {
	const effects: Effect[] = [];
	if (!saved(before, after)) effects.push({type: 'save'});
	if (after.playing && (!before.playing || after.step !== before.step))
		effects.push({type: 'timer', ms: AUTOPLAY_MS});
	else if (before.playing && !after.playing) effects.push({type: 'timer'});
	return effects;
}

export function step(s: UiState, msg: Msg, ctx: Context): Next {
	let next: Next;
	switch (msg.type) {
		case 'key':
			next = keys(s, msg, ctx);
			break;
		case 'tick':
		case 'poll':
			next = {state: update(s, {type: msg.type}, ctx), effects: []};
			break;
		case 'lab': {
			const heard = labsHear(s.labs, msg.msg, where(s, ctx), msg.id);
			next = {state: heard.ui === s.labs ? s : {...s, labs: heard.ui}, effects: labEffects(heard)};
			break;
		}
		case 'labStatus':
			next = {
				state: {...s, labs: labsUpdate(s.labs, {type: 'status', text: msg.text}, where(s, ctx), 0).ui},
				effects: [],
			};
			break;
		case 'lead':
			next = {
				state: update(s, {type: 'lead', chapter: msg.chapter, step: msg.step, panel: msg.panel}, ctx),
				effects: [],
			};
			break;
		default: {
			// The server's: nothing to fold into when none is attached (a late message after it went).
			const live = s.live && liveStep(s.live, msg);
			next = {state: live === s.live ? s : {...s, live}, effects: []};
		}
	}
	// Quitting comes last: what the keys before it changed is saved first.
	const quit = next.effects.filter(e => e.type === 'quit');
	const rest = next.effects.filter(e => e.type !== 'quit');
	return {state: next.state, effects: [...rest, ...consequences(s, next.state), ...quit]};
}
