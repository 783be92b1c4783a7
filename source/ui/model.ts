// The app's own state and its update function (Elm style): keys become actions, actions
// become a new state. No React, no I/O: every key's meaning is testable here.
import type {Variant} from '../lesson/types';
import type {ChapterProgress} from './contracts';
import {bindingAt, keyName, placeOf} from './keys';
import {initialLabsUi, type LabAction, type LabsUi} from './labs-ui';
import type {LiveModel} from './live-model';
import type {PanelId} from './panels';
import type {RoomCommand} from './room-keys';

export interface QuizState {
	index: number; // question shown
	cursor: number; // option under the cursor
	answers: Record<string, number>;
	hints: Record<string, boolean>;
}

/** What covers the panels: the help, the chapter list, or the workshop's poll on an attendee's screen. */
export type Overlay = 'help' | 'chapters' | 'poll';

export interface UiState {
	/** The chapter on screen (its id in source/lesson/chapters.ts). */
	chapter: string;
	step: number; // 1-based lesson step
	panel: PanelId;
	variant: Variant;
	scroll: Partial<Record<PanelId, number>>; // first visible line per panel
	overlay?: Overlay;
	/** The chapter list's cursor (an index into the chapters). */
	menu: number;
	/** The steps of this chapter seen so far. */
	seen: number[];
	/** Where the learner left the other chapters. */
	others: Record<string, ChapterProgress>;
	playing: boolean;
	quiz: QuizState;
	following: boolean;
	notice?: string;
	confirm?: string; // a question waiting for y / n before quitting
	/** Live: the history seq being inspected; undefined follows the newest event. */
	cursor?: number;
	/** Live, their own project: the path r is asking for, as typed so far. */
	asking?: string;
	/** The Labs panel (labs-ui.ts). */
	labs: LabsUi;
	/** The attached server, when there is one (live-model.ts). */
	live?: LiveModel;
}

export type LiveCommand =
	| 'request'
	| 'burst'
	| 'slow'
	| 'kill'
	| 'add'
	| 'remove'
	| 'reload'
	| 'toggle'
	// The labs' actions (source/labs/effects.ts runs them): no key yet.
	| 'slow-client'
	| 'edit-app'
	| 'memory'
	| 'timed'
	| 'interrupt';

export type Action =
	| {type: 'step'; to: number}
	| {type: 'next'}
	| {type: 'prev'}
	| {type: 'first'}
	| {type: 'last'}
	| {type: 'panel'; to: PanelId}
	| {type: 'cyclePanel'; by: 1 | -1}
	| {type: 'scroll'; by: number}
	| {type: 'help'}
	| {type: 'close'}
	| {type: 'play'}
	| {type: 'stop'}
	| {type: 'tick'}
	| {type: 'quizMove'; by: number}
	| {type: 'quizAnswer'; option?: number}
	| {type: 'quizHint'}
	| {type: 'quizGo'; by: number}
	| {type: 'variant'}
	| {type: 'follow'}
	| {type: 'lead'; chapter?: string; step: number; panel: string}
	| {type: 'chapters'}
	| {type: 'menuMove'; by: number}
	| {type: 'chapter'; to: string}
	| {type: 'confirm'; question: string}
	| {type: 'cursor'; to: number | undefined}
	| {type: 'ask'; text?: string}
	// The workshop room: a pushed poll (or its reveal) opens the poll overlay.
	| {type: 'poll'};

/** What a key asks for: a state change, a live command, or quitting. */
export type Intent =
	| {kind: 'action'; action: Action}
	| {kind: 'live'; command: LiveCommand; path?: string}
	| {kind: 'room'; command: RoomCommand; option?: number}
	| {kind: 'lab'; action: LabAction}
	| {kind: 'quit'}
	| {kind: 'none'};

export interface Context {
	/** The current chapter's step count: its lesson's, never a constant. */
	steps: number;
	/** Every chapter, in order, with its step count. */
	chapters: Array<{id: string; steps: number}>;
	quiz: Array<{id: string; options: string[]; answer: number}>;
	/** The panels shown, in tab order (the Room only for the workshop's instructor). */
	panels: PanelId[];
	live: boolean;
	leader: boolean;
	/** Live timeline: how many events can be inspected, and the first and newest seq. */
	timeline?: {first: number; last: number};
	/** How far the panel on screen in this state can scroll (its lines less the window), when known. */
	scrollMax?: (s: UiState) => number;
	/** Live, their own project: r asks for a path, starting from this one. */
	askPath?: string;
	// The workshop room: who this screen is, the poll on it, whether their hand is up.
	room?: 'instructor' | 'attendee';
	poll?: {options: number; revealed: boolean};
	hand?: boolean;
	/** Which server is attached (the labs run on it). */
	server?: 'server' | 'gunicorn';
}

export const initialUi = (partial: Partial<UiState> = {}): UiState => ({
	chapter: 'request',
	menu: 0,
	seen: [partial.step ?? 1],
	others: {},
	step: 1,
	panel: 'flow',
	variant: 'default',
	scroll: {},
	playing: false,
	quiz: {index: 0, cursor: 0, answers: {}, hints: {}},
	following: false,
	labs: initialLabsUi(),
	...partial,
});

const clamp = (n: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, n));

/** Moving through the timeline: lesson steps, or live events when a server is attached. */
function move(s: UiState, ctx: Context, where: 'next' | 'prev' | 'first' | 'last'): UiState {
	const t = ctx.timeline;
	if (t) {
		const at = s.cursor ?? t.last;
		const to = where === 'first' ? t.first : where === 'last' ? undefined : at + (where === 'next' ? 1 : -1);
		return {...s, cursor: to === undefined || to >= t.last ? undefined : clamp(to, t.first, t.last)};
	}
	const step = where === 'first' ? 1 : where === 'last' ? ctx.steps : s.step + (where === 'next' ? 1 : -1);
	return {...s, step: clamp(step, 1, ctx.steps)};
}

/** Leaves the current chapter where it is and opens another where it was left (else at its start). */
function openChapter(s: UiState, to: string, ctx: Context): UiState {
	const target = ctx.chapters.find(c => c.id === to);
	if (!target) return s;
	if (to === s.chapter) return {...s, overlay: undefined};
	const {[to]: back, ...others} = {
		...s.others,
		[s.chapter]: {step: s.step, panel: s.panel, answers: s.quiz.answers, seen: s.seen},
	};
	const step = clamp(back?.step ?? 1, 1, target.steps);
	return {
		...s,
		overlay: undefined,
		chapter: to,
		others,
		step,
		seen: back?.seen ?? [step],
		panel: back && ctx.panels.includes(back.panel) ? back.panel : s.panel,
		quiz: {index: 0, cursor: 0, answers: back?.answers ?? {}, hints: {}},
		scroll: {},
		cursor: undefined,
	};
}

/** Every step reached is seen, for the chapter list. */
const seeing = (s: UiState): UiState =>
	s.seen.includes(s.step) ? s : {...s, seen: [...s.seen, s.step].sort((a, b) => a - b)};

export function update(s: UiState, a: Action, ctx: Context): UiState {
	const next = reduce(s, a, ctx);
	return next === s ? s : seeing(next);
}

function reduce(s: UiState, a: Action, ctx: Context): UiState {
	// Any navigation by the learner stops autoplay and following the instructor.
	const own = {...s, playing: false, following: false, notice: undefined};
	switch (a.type) {
		case 'step':
			return {...own, step: clamp(a.to, 1, ctx.steps)};
		case 'next':
		case 'prev':
		case 'first':
		case 'last':
			return move(own, ctx, a.type);
		case 'panel':
			return ctx.panels.includes(a.to) ? {...own, panel: a.to} : s;
		case 'cyclePanel': {
			const n = ctx.panels.length;
			return {...own, panel: ctx.panels[(ctx.panels.indexOf(s.panel) + a.by + n) % n]};
		}
		case 'scroll':
			return {
				...s,
				notice: undefined,
				scroll: {
					...s.scroll,
					[s.panel]: clamp((s.scroll[s.panel] ?? 0) + a.by, 0, ctx.scrollMax?.(s) ?? Infinity),
				},
			};
		case 'help':
			return {...s, overlay: s.overlay === 'help' ? undefined : 'help', playing: false};
		case 'close':
			return {...s, overlay: undefined, confirm: undefined, playing: false, notice: undefined};
		case 'play':
			return {...own, playing: !s.playing, step: !s.playing && s.step === ctx.steps ? 1 : s.step};
		case 'stop':
			return {...s, playing: false};
		case 'tick':
			if (!s.playing) return s;
			return s.step >= ctx.steps ? {...s, playing: false} : {...s, step: s.step + 1};
		case 'quizMove': {
			const q = ctx.quiz[s.quiz.index];
			return {...s, quiz: {...s.quiz, cursor: clamp(s.quiz.cursor + a.by, 0, q.options.length - 1)}};
		}
		case 'quizAnswer': {
			const q = ctx.quiz[s.quiz.index];
			const option = a.option ?? s.quiz.cursor;
			if (option < 0 || option >= q.options.length) return s;
			return {...s, quiz: {...s.quiz, cursor: option, answers: {...s.quiz.answers, [q.id]: option}}};
		}
		case 'quizHint': {
			const q = ctx.quiz[s.quiz.index];
			return {...s, quiz: {...s.quiz, hints: {...s.quiz.hints, [q.id]: !s.quiz.hints[q.id]}}};
		}
		case 'quizGo': {
			const index = clamp(s.quiz.index + a.by, 0, ctx.quiz.length - 1);
			const answered = s.quiz.answers[ctx.quiz[index].id];
			return {...s, quiz: {...s.quiz, index, cursor: answered ?? 0}};
		}
		case 'variant':
			return {...s, variant: s.variant === 'default' ? 'preload' : 'default'};
		case 'follow':
			return ctx.leader ? {...s, following: !s.following, playing: false} : s;
		case 'lead': {
			if (!s.following) return s;
			const there = a.chapter && a.chapter !== s.chapter ? openChapter(s, a.chapter, ctx) : s;
			const steps = ctx.chapters.find(c => c.id === there.chapter)?.steps ?? ctx.steps;
			return {...there, step: clamp(a.step, 1, steps), panel: ctx.panels.find(p => p === a.panel) ?? there.panel};
		}
		case 'chapters': {
			const menu = Math.max(
				0,
				ctx.chapters.findIndex(c => c.id === s.chapter),
			);
			return {...s, overlay: s.overlay === 'chapters' ? undefined : 'chapters', menu, playing: false};
		}
		case 'menuMove':
			return {...s, menu: clamp(s.menu + a.by, 0, ctx.chapters.length - 1)};
		case 'chapter':
			return openChapter(own, a.to, ctx);
		case 'confirm':
			return {...s, confirm: a.question, playing: false};
		case 'cursor':
			return {...s, cursor: a.to};
		case 'ask':
			return {...s, asking: a.text, notice: undefined};
		case 'poll':
			return {...s, overlay: 'poll', playing: false};
	}
}

export interface Key {
	leftArrow?: boolean;
	rightArrow?: boolean;
	upArrow?: boolean;
	downArrow?: boolean;
	pageUp?: boolean;
	pageDown?: boolean;
	home?: boolean;
	end?: boolean;
	return?: boolean;
	escape?: boolean;
	backspace?: boolean;
	delete?: boolean;
	tab?: boolean;
	shift?: boolean;
	ctrl?: boolean;
	meta?: boolean;
}

/** Typing the path r requests: Enter sends it, Esc cancels, Backspace deletes. */
function askingKey(input: string, key: Key, text: string): Intent {
	if (key.return) return {kind: 'live', command: 'request', path: text.startsWith('/') ? text : `/${text}`};
	if (key.escape) return {kind: 'action', action: {type: 'ask'}};
	if (key.backspace || key.delete) return {kind: 'action', action: {type: 'ask', text: text.slice(0, -1)}};
	if (input.length === 1 && /^[\x21-\x7e]$/.test(input) && text.length < 200)
		return {kind: 'action', action: {type: 'ask', text: text + input}};
	return {kind: 'none'};
}

/** Typing a lab's number: digits and a point, Enter predicts it, Esc cancels, Backspace deletes. */
function typingKey(name: string, key: Key, text: string): Intent {
	const lab = (action: LabAction): Intent => ({kind: 'lab', action});
	if (key.return)
		return Number.isFinite(Number.parseFloat(text))
			? lab({type: 'predict', answer: Number.parseFloat(text)})
			: lab({type: 'type'});
	if (key.escape) return lab({type: 'type'});
	if (key.backspace || key.delete) return lab({type: 'type', text: text.slice(0, -1)});
	if (/^[0-9.]$/.test(name) && text.length < 8) return lab({type: 'type', text: text + name});
	return {kind: 'none'};
}

/** The meaning of one key press in the current state. `page` is the height of a page for PgUp / PgDn. */
export function interpretKey(pressed: string, key: Key, s: UiState, ctx: Context, page = 10): Intent {
	const name = keyName(pressed, key);
	if (name === 'ctrl+c') return {kind: 'quit'};
	// Three modes read keys their own way: a quit question, typing a path, autoplay.
	if (s.confirm) return name === 'y' || name === 'Y' ? {kind: 'quit'} : {kind: 'action', action: {type: 'close'}};
	if (s.asking !== undefined) return askingKey(name?.length === 1 ? name : '', key, s.asking);
	if (s.labs.typing !== undefined && s.panel === 'labs') return typingKey(name ?? '', key, s.labs.typing);
	if (s.playing) return {kind: 'action', action: {type: 'stop'}}; // any key stops it, and does nothing else
	if (name === undefined) return {kind: 'none'};
	return bindingAt(name, placeOf(s, ctx))?.intent(s, ctx, name, page) ?? {kind: 'none'};
}

export {footerKeys} from './keys';
