// The app's own state and its update function (Elm style): keys become actions, actions
// become a new state. No React, no I/O: every key's meaning is testable here.
import type {Variant} from '../lesson/types';
import {roomFooter, roomKey, type RoomCommand} from './room-keys';

export const PANEL_TITLES = [
	'Flow',
	'Sample',
	'Table',
	'Variables',
	'Moments',
	'Quiz',
	'Snapshot',
	'Transcript',
	'Live',
	'Room',
];
export const ROOM_PANEL = 10;
export const STEPS = 9;

export interface QuizState {
	index: number; // question shown
	cursor: number; // option under the cursor
	answers: Record<string, number>;
	hints: Record<string, boolean>;
}

export interface UiState {
	step: number; // 1-based lesson step
	panel: number; // 1-based; 10 = Room (workshop instructor only)
	variant: Variant;
	scroll: Record<number, number>; // first visible line per panel
	overlay?: 'help' | 'poll'; // poll: the workshop's poll on an attendee's screen
	playing: boolean;
	quiz: QuizState;
	following: boolean;
	notice?: string;
	confirm?: string; // a question waiting for y / n before quitting
	/** Live: the history seq being inspected; undefined follows the newest event. */
	cursor?: number;
	/** Live, their own project: the path r is asking for, as typed so far. */
	asking?: string;
}

export type LiveCommand = 'request' | 'burst' | 'slow' | 'kill' | 'add' | 'remove' | 'reload' | 'toggle';

export type Action =
	| {type: 'step'; to: number}
	| {type: 'next'}
	| {type: 'prev'}
	| {type: 'first'}
	| {type: 'last'}
	| {type: 'panel'; to: number}
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
	| {type: 'lead'; step: number; panel: number}
	| {type: 'confirm'; question: string}
	| {type: 'cursor'; to: number | undefined}
	| {type: 'ask'; text?: string}
	// The workshop room
	| {type: 'poll'};

/** What a key asks for: a state change, a live command, or quitting. */
export type Intent =
	| {kind: 'action'; action: Action}
	| {kind: 'live'; command: LiveCommand; path?: string}
	| {kind: 'room'; command: RoomCommand; option?: number}
	| {kind: 'quit'}
	| {kind: 'none'};

export interface Context {
	quiz: Array<{id: string; options: string[]; answer: number}>;
	panels: number; // 9, or 10 with a Room
	live: boolean;
	leader: boolean;
	/** Live timeline: how many events can be inspected, and the first and newest seq. */
	timeline?: {first: number; last: number};
	/** How far the panel on screen can scroll (its text's length less the window), when known. */
	scrollMax?: () => number;
	/** Live, their own project: r asks for a path, starting from this one. */
	askPath?: string;
	// The workshop room (room-keys.ts): who this screen is, the poll on it, whether their hand is up.
	room?: 'instructor' | 'attendee';
	poll?: {options: number; revealed: boolean};
	hand?: boolean;
}

export const initialUi = (partial: Partial<UiState> = {}): UiState => ({
	step: 1,
	panel: 1,
	variant: 'default',
	scroll: {},
	playing: false,
	quiz: {index: 0, cursor: 0, answers: {}, hints: {}},
	following: false,
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
	const step = where === 'first' ? 1 : where === 'last' ? STEPS : s.step + (where === 'next' ? 1 : -1);
	return {...s, step: clamp(step, 1, STEPS)};
}

export function update(s: UiState, a: Action, ctx: Context): UiState {
	// Any navigation by the learner stops autoplay and following the instructor.
	const own = {...s, playing: false, following: false, notice: undefined};
	switch (a.type) {
		case 'step':
			return {...own, step: clamp(a.to, 1, STEPS)};
		case 'next':
		case 'prev':
		case 'first':
		case 'last':
			return move(own, ctx, a.type);
		case 'panel':
			return a.to >= 1 && a.to <= ctx.panels ? {...own, panel: a.to} : s;
		case 'cyclePanel':
			return {...own, panel: ((s.panel - 1 + a.by + ctx.panels) % ctx.panels) + 1};
		case 'scroll':
			return {
				...s,
				notice: undefined,
				scroll: {
					...s.scroll,
					[s.panel]: clamp((s.scroll[s.panel] ?? 0) + a.by, 0, ctx.scrollMax?.() ?? Infinity),
				},
			};
		case 'help':
			return {...s, overlay: s.overlay === 'help' ? undefined : 'help', playing: false};
		case 'close':
			return {...s, overlay: undefined, confirm: undefined, playing: false, notice: undefined};
		case 'play':
			return {...own, playing: !s.playing, step: !s.playing && s.step === STEPS ? 1 : s.step};
		case 'stop':
			return {...s, playing: false};
		case 'tick':
			if (!s.playing) return s;
			return s.step >= STEPS ? {...s, playing: false} : {...s, step: s.step + 1};
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
		case 'lead':
			return s.following
				? {
						...s,
						step: clamp(a.step, 1, STEPS),
						panel: a.panel >= 1 && a.panel <= ctx.panels ? a.panel : s.panel,
					}
				: s;
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

const LIVE_KEYS: Record<string, LiveCommand> = {
	r: 'request',
	b: 'burst',
	s: 'slow',
	k: 'kill',
	'+': 'add',
	'=': 'add',
	'-': 'remove',
	g: 'reload',
	x: 'toggle',
};

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

/**
 * What a key types: its character, or nothing for a key without one and for Ctrl / Alt + a character (Ctrl+Q is not q).
 */
function typed(input: unknown, key: Key): string {
	if (typeof input !== 'string') return ''; // some Ink versions hand on a Ctrl key without a name
	return (key.ctrl || (key.meta && !key.escape)) && !/[\x00-\x1f\x7f]/.test(input) ? '' : input;
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

/** The meaning of one key press in the current state. `page` is the height of a page for PgUp / PgDn. */
export function interpretKey(pressed: string, key: Key, s: UiState, ctx: Context, page = 10): Intent {
	const act = (action: Action): Intent => ({kind: 'action', action});
	if (key.ctrl && pressed === 'c') return {kind: 'quit'};
	const input = typed(pressed, key);
	if (s.confirm) {
		if (input === 'y' || input === 'Y') return {kind: 'quit'};
		return act({type: 'close'});
	}
	if (s.asking !== undefined) return askingKey(input, key, s.asking);
	const room = ctx.room ? roomKey(input, key, s, ctx) : undefined;
	if (room) return room;
	// While autoplay runs, any key stops it (and does nothing else).
	if (s.playing) return act({type: 'stop'});
	if (s.overlay) {
		return key.escape || input === '?' || input === 'q' ? act({type: 'close'}) : {kind: 'none'};
	}
	if (key.escape) return act({type: 'close'});
	if (input === 'q') return {kind: 'quit'};
	if (input === '?') return act({type: 'help'});

	const quiz = s.panel === 6;
	if (quiz) {
		const letter = input.length === 1 ? 'abcd'.indexOf(input) : -1;
		if (letter >= 0 && letter < ctx.quiz[s.quiz.index].options.length)
			return act({type: 'quizAnswer', option: letter});
		if (key.upArrow || input === 'k') return act({type: 'quizMove', by: -1});
		if (key.downArrow || input === 'j') return act({type: 'quizMove', by: 1});
		if (key.return) return act({type: 'quizAnswer'});
		if (input === 'h') return act({type: 'quizHint'});
		if (input === ']') return act({type: 'quizGo', by: 1});
		if (input === '[') return act({type: 'quizGo', by: -1});
	}
	if (ctx.live && s.panel === 9 && input === 'r' && ctx.askPath !== undefined)
		return act({type: 'ask', text: ctx.askPath});
	if (ctx.live && s.panel === 9 && LIVE_KEYS[input]) return {kind: 'live', command: LIVE_KEYS[input]};

	if (key.rightArrow || input === 'n') return act({type: 'next'});
	if (key.leftArrow || input === 'p') return act({type: 'prev'});
	if (key.home) return act({type: 'first'});
	if (key.end) return act({type: 'last'});
	if (input === ' ' && !ctx.live) return act({type: 'play'});
	if (key.tab) return act({type: 'cyclePanel', by: key.shift ? -1 : 1});
	if (/^[1-9]$/.test(input)) return act({type: 'panel', to: Number(input)});
	if (input === '0' && ctx.panels >= 10) return act({type: 'panel', to: 10});
	if (key.upArrow || input === 'k') return act({type: 'scroll', by: -1});
	if (key.downArrow || input === 'j') return act({type: 'scroll', by: 1});
	if (key.pageUp) return act({type: 'scroll', by: -page});
	if (key.pageDown) return act({type: 'scroll', by: page});
	if (input === 'v' && !ctx.live) return act({type: 'variant'});
	if (input === 'f' && ctx.leader) return act({type: 'follow'});
	return {kind: 'none'};
}

/** The footer: the keys that work right now. */
export function footerKeys(s: UiState, ctx: Context): Array<[string, string]> {
	if (s.confirm)
		return [
			['y', 'quit'],
			['any other key', 'stay'],
		];
	if (s.playing) return [['any key', 'stop autoplay']];
	if (s.overlay === 'poll') return roomFooter(s, ctx);
	if (s.overlay)
		return [
			['Esc', 'close help'],
			['q', 'close'],
		];
	const keys: Array<[string, string]> = ctx.room ? roomFooter(s, ctx) : [];
	if (s.panel === 6) keys.push(['a-d ↑↓ ⏎', 'answer'], ['h', 'hint'], ['[ ]', 'question']);
	if (s.panel === 9 && ctx.live)
		keys.push(
			['r', 'request'],
			['b', 'burst'],
			['s', 'slow'],
			['k', 'kill'],
			['+ -', 'workers'],
			['g', 'HUP'],
			['x', 'stop/start'],
		);
	keys.push(['←→', ctx.live ? 'event' : 'step'], [ctx.panels > 9 ? 'Tab 0-9' : 'Tab 1-9', 'panel']);
	if (!ctx.live && s.panel !== 6) keys.push(['space', 'play'], ['v', 'preload']);
	if (ctx.leader) keys.push(['f', s.following ? 'unfollow' : 'follow']);
	keys.push(['?', 'help'], ['q', 'quit']); // last: the footer never drops these two
	return keys;
}
