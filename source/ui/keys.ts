// Every key, declared once (as Gemini CLI's keyBindings.ts): what it is called, where it works
// and what it asks for. The key interpreter, the footer, the ? overlay, the Live panel's how-to
// and the screen reader's list of keys all read BINDINGS; README's keys table is checked against it.
import type {Action, Context, Intent, Key, LiveCommand, Overlay, UiState} from './model';
import {labBindings} from './lab-keys';
import {PANELS, panelById, panelKeys, type PanelId} from './panels';
import {HAND_KEY, NUMBER_KEYS, POLL_LETTERS, type RoomCommand} from './room-keys';

/** Where a binding works. Absent fields do not restrict. */
export interface Where {
	panels?: PanelId[]; // only on these panels
	except?: PanelId[]; // on every panel but these
	live?: boolean; // true: only attached to a server; false: only without one
	leader?: true; // only for a workshop attendee (there is an instructor to follow)
	instructor?: true; // only for the workshop instructor
	seat?: true; // only for a workshop attendee with a seat in the room (polls, a raised hand)
	overlay?: Overlay; // only over this overlay (absent: only without one)
}

/** Where a key is pressed. */
export interface Place {
	panel: PanelId;
	live: boolean;
	leader: boolean;
	instructor: boolean;
	seat: boolean;
	overlay?: Overlay;
}

export interface Binding {
	/** Key names as keyName() gives them: 'n', 'right', 'shift+tab', 'enter', 'space', 'ctrl+c'. */
	keys: string[];
	description: string;
	where: Where;
	/** What a press asks for (`name` is the key pressed, `page` a page's height). */
	intent: (s: UiState, ctx: Context, name: string, page: number) => Intent;
	/** Its entry in the footer, when it has one: [keys, what]. */
	footer?: (s: UiState, ctx: Context) => [string, string] | undefined;
	/** Its line in the ? overlay and the screen reader's keys. */
	group: Group;
}

const act = (action: Action) => (): Intent => ({kind: 'action', action});
const none: Intent = {kind: 'none'};
const room = (command: RoomCommand, option?: number): Intent => ({kind: 'room', command, option});

/** The Live panel's commands: a command without a key here does not compile. */
export const LIVE_KEYS: Record<LiveCommand, {keys: string[]; footer: string; description: string}> = {
	request: {keys: ['r'], footer: 'request', description: 'one request (your own project: r asks for the path)'},
	burst: {keys: ['b'], footer: 'burst', description: 'a burst of 200 requests'},
	slow: {keys: ['s'], footer: 'slow', description: 'a request slower than --timeout'},
	kill: {keys: ['k'], footer: 'kill', description: 'kill a worker (SIGKILL)'},
	add: {keys: ['+', '='], footer: 'workers', description: 'one more worker (TTIN)'},
	remove: {keys: ['-'], footer: 'workers', description: 'one worker fewer (TTOU)'},
	reload: {keys: ['g'], footer: 'HUP', description: 'reload (HUP): fresh workers, then the old ones retire'},
	toggle: {keys: ['x'], footer: 'stop/start', description: 'stop or start the server'},
	interrupt: {keys: ['i'], footer: 'INT', description: 'quick shutdown (INT): workers stop at once'},
	timed: {keys: ['a'], footer: '6 at once', description: 'six GET /slow?s=1 at once, each timed'},
	'slow-client': {
		keys: ['l'],
		footer: 'slow client',
		description: 'a client that sends its headers a byte at a time',
	},
	'edit-app': {keys: ['t'], footer: 'edit', description: 'change the text the app answers with (a working copy)'},
	memory: {keys: ['u'], footer: 'memory', description: "each process's memory (RSS, PSS) from /proc"},
};

/** Help rows: bindings of one group share a line of the ? overlay and a sentence of the screen reader. */
export const GROUPS = {
	step: 'next / previous step (live: event)',
	ends: 'first / last step (live: back to following the newest)',
	play: 'autoplay the steps; any key stops it',
	panels: 'panels',
	room: 'the room: attendees and quiz results',
	scroll: 'scroll a long panel (the Live panel fits without scrolling)',
	variant: 'default or --preload',
	answer: 'answer: a letter, or move and Enter; the feedback explains',
	hint: 'hint (lights the cell or box it means); previous / next question',
	requests: 'one request, a burst of 200, one slower than --timeout, six at once, a slow client',
	workers: 'kill a worker; one more / fewer (TTIN / TTOU); HUP; stop / start; INT',
	app: "change the app's text; each process's memory",
	follow: 'follow the instructor (any navigation key stops)',
	chapters: 'the chapters: steps seen, quiz score',
	hand: 'raise or lower your hand; the poll again, when there is one',
	roomPoll:
		'poll the room with the current quiz question, reveal its answer, clear the oldest hand; ' +
		'lead the lab open on the Labs panel',
	poll: 'answer the poll (until revealed); close it',
	menu: 'choose a chapter; Enter opens it where it was left',
	help: 'these keys again',
	labs: 'choose and open a lab; back to the list',
	labPredict: 'predict: an option, or e, a number and Enter',
	labSteps: "a lab's steps: the key beside each",
	labHint: 'a hint (nudge, where to look, the answer); reset the server',
	close: 'close a question; quit',
} as const;
export type Group = keyof typeof GROUPS;

const liveBindings = (): Binding[] =>
	(Object.keys(LIVE_KEYS) as LiveCommand[]).map(command => {
		const {keys, footer, description} = LIVE_KEYS[command];
		const shown = command === 'add' ? '+ -' : keys[0];
		return {
			keys,
			description,
			group: ['request', 'burst', 'slow', 'timed', 'slow-client'].includes(command)
				? 'requests'
				: ['edit-app', 'memory'].includes(command)
					? 'app'
					: 'workers',
			where: {panels: ['live'], live: true},
			intent: (_s, ctx) =>
				command === 'request' && ctx.askPath !== undefined
					? {kind: 'action', action: {type: 'ask', text: ctx.askPath}}
					: {kind: 'live', command},
			...(command === 'remove' ? {} : {footer: () => [shown, footer] as [string, string]}),
		};
	});

const panelBinding = (instructor: boolean): Binding => ({
	keys: PANELS.filter(p => Boolean((p as {instructor?: boolean}).instructor) === instructor).map(p => p.key),
	description: instructor ? 'the room' : 'open a panel',
	group: instructor ? 'room' : 'panels',
	where: instructor ? {instructor: true} : {},
	intent: (_s, ctx, name) => {
		const to = ctx.panels.find(p => panelById(p)?.key === name);
		return to ? {kind: 'action', action: {type: 'panel', to}} : none;
	},
});

const letters = 'abcd';
const SCROLL: Record<string, (page: number) => number> = {
	up: () => -1,
	k: () => -1,
	down: () => 1,
	j: () => 1,
	pageup: page => -page,
	pagedown: page => page,
};
const scroll = (name: string, page: number): Intent => ({
	kind: 'action',
	action: {type: 'scroll', by: SCROLL[name]?.(page) ?? 0},
});
const by = (name: string, back: string[]): number => (back.includes(name) ? -1 : 1);

/** The workshop room's keys: an attendee's hand and poll, the instructor's on the Room panel. */
const roomBindings = (): Binding[] => [
	{
		keys: [HAND_KEY],
		description: 'raise or lower your hand',
		group: 'hand',
		where: {seat: true},
		intent: () => room('hand'),
		footer: (_s, ctx) => [HAND_KEY, ctx.hand ? 'lower hand' : 'raise hand'],
	},
	{
		keys: ['o'],
		description: 'the poll, when there is one',
		group: 'hand',
		where: {seat: true, except: ['room']},
		intent: (_s, ctx) => (ctx.poll ? {kind: 'action', action: {type: 'poll'}} : none),
		footer: (_s, ctx) => (ctx.poll ? ['o', 'poll'] : undefined),
	},
	{
		keys: ['o'],
		description: 'poll the room with the current quiz question',
		group: 'roomPoll',
		where: {panels: ['room'], instructor: true},
		intent: () => room('push'),
		footer: () => ['o', 'poll'],
	},
	{
		keys: ['e'],
		description: "reveal the poll's answer",
		group: 'roomPoll',
		where: {panels: ['room'], instructor: true},
		intent: () => room('reveal'),
		footer: () => ['e', 'reveal'],
	},
	{
		keys: ['c'],
		description: 'clear the oldest raised hand',
		group: 'roomPoll',
		where: {panels: ['room'], instructor: true},
		intent: () => room('clearHand'),
		footer: () => ['c', 'clear hand'],
	},
	{
		keys: ['l'],
		description: 'lead a lab for the room: the server restarts with its flags, everyone predicts',
		group: 'roomPoll',
		where: {panels: ['room'], instructor: true},
		intent: () => room('lead'),
		footer: (_s, ctx) => (ctx.live ? ['l', 'lead lab'] : undefined),
	},
	{
		keys: [...NUMBER_KEYS, 'backspace', 'enter'],
		description: "type a lab's number prediction; Enter sends it",
		group: 'poll',
		where: {overlay: 'poll'},
		intent: (_s, ctx, name) => {
			if (!ctx.poll || ctx.poll.revealed || ctx.poll.options > 0) return none; // a number: no options
			if (name === 'enter') return room('answer');
			return name === 'backspace' ? room('erase') : room('type', NUMBER_KEYS.indexOf(name));
		},
		footer: (_s, ctx) =>
			ctx.poll && !ctx.poll.revealed && ctx.poll.options === 0 ? ['0-9 ⏎', 'predict'] : undefined,
	},
	{
		keys: [...POLL_LETTERS],
		description: 'answer the poll',
		group: 'poll',
		where: {overlay: 'poll'},
		intent: (_s, ctx, name) => {
			const option = POLL_LETTERS.indexOf(name);
			return ctx.poll && !ctx.poll.revealed && option < ctx.poll.options ? room('answer', option) : none;
		},
		footer: (_s, ctx) =>
			ctx.poll && !ctx.poll.revealed && ctx.poll.options > 0
				? [`a-${POLL_LETTERS[ctx.poll.options - 1]}`, 'answer']
				: undefined,
	},
	{
		keys: [HAND_KEY],
		description: 'raise or lower your hand',
		group: 'poll',
		where: {overlay: 'poll', seat: true},
		intent: () => room('hand'),
	},
	{
		keys: ['esc', 'o', 'q'],
		description: 'close the poll',
		group: 'poll',
		where: {overlay: 'poll'},
		intent: act({type: 'close'}),
		footer: () => ['Esc', 'close the poll'],
	},
];

/** Every binding; built on each call, so a panel added to the registry has its key. */
export function bindings(): Binding[] {
	return [
		...roomBindings(),
		{
			keys: ['right', 'n', 'left', 'p'],
			description: 'next / previous step (live: event)',
			group: 'step',
			where: {},
			intent: (_s, _c, name) => ({kind: 'action', action: {type: by(name, ['left', 'p']) < 0 ? 'prev' : 'next'}}),
			footer: (_s, ctx) => ['←→', ctx.live ? 'event' : 'step'],
		},
		{
			keys: ['home', 'end'],
			description: 'first / last step',
			group: 'ends',
			where: {},
			intent: (_s, _c, name) => ({kind: 'action', action: {type: name === 'home' ? 'first' : 'last'}}),
		},
		{
			keys: ['space'],
			description: 'autoplay',
			group: 'play',
			where: {live: false},
			intent: act({type: 'play'}),
			footer: s => (s.panel === 'quiz' ? undefined : ['space', 'play']),
		},
		panelBinding(false),
		{
			keys: ['tab', 'shift+tab'],
			description: 'next / previous panel',
			group: 'panels',
			where: {},
			intent: (_s, _ctx, name) => ({kind: 'action', action: {type: 'cyclePanel', by: name === 'tab' ? 1 : -1}}),
			footer: (_s, ctx) => [`Tab ${panelKeys(ctx.panels)}`, 'panel'],
		},
		panelBinding(true),
		{
			keys: ['up', 'down', 'j', 'k', 'pageup', 'pagedown'],
			description: 'scroll',
			group: 'scroll',
			where: {except: ['quiz', 'live', 'labs']},
			intent: (_s, _ctx, name, page) => scroll(name, page),
		},
		{
			keys: ['pageup', 'pagedown'],
			description: 'scroll the question',
			group: 'scroll',
			where: {panels: ['quiz']},
			intent: (_s, _ctx, name, page) => scroll(name, page),
		},
		{
			keys: ['v'],
			description: 'default or --preload',
			group: 'variant',
			where: {live: false},
			intent: act({type: 'variant'}),
			footer: s => (s.panel === 'quiz' ? undefined : ['v', 'preload']),
		},
		{
			keys: [...letters],
			description: 'answer',
			group: 'answer',
			where: {panels: ['quiz']},
			intent: (s, ctx, name) =>
				letters.indexOf(name) < ctx.quiz[s.quiz.index].options.length
					? {kind: 'action', action: {type: 'quizAnswer', option: letters.indexOf(name)}}
					: none,
			footer: () => ['a-d ↑↓ ⏎', 'answer'],
		},
		{
			keys: ['up', 'down', 'k', 'j'],
			description: 'move between the options',
			group: 'answer',
			where: {panels: ['quiz']},
			intent: (_s, _ctx, name) => ({kind: 'action', action: {type: 'quizMove', by: by(name, ['up', 'k'])}}),
		},
		{
			keys: ['enter'],
			description: 'answer with the option under the cursor',
			group: 'answer',
			where: {panels: ['quiz']},
			intent: act({type: 'quizAnswer'}),
		},
		{
			keys: ['h'],
			description: 'hint',
			group: 'hint',
			where: {panels: ['quiz']},
			intent: act({type: 'quizHint'}),
			footer: () => ['h', 'hint'],
		},
		{
			keys: ['[', ']'],
			description: 'previous / next question',
			group: 'hint',
			where: {panels: ['quiz']},
			intent: (_s, _ctx, name) => ({kind: 'action', action: {type: 'quizGo', by: by(name, ['['])}}),
			footer: () => ['[ ]', 'question'],
		},
		...liveBindings(),
		...labBindings(),
		{
			keys: ['f'],
			description: 'follow the instructor',
			group: 'follow',
			where: {leader: true},
			intent: act({type: 'follow'}),
			footer: s => ['f', s.following ? 'unfollow' : 'follow'],
		},
		{keys: ['m'], description: 'the chapter list', group: 'chapters', where: {}, intent: act({type: 'chapters'})},
		{
			keys: ['up', 'down', 'k', 'j'],
			description: 'the chapter above / below',
			group: 'menu',
			where: {overlay: 'chapters'},
			intent: (_s, _ctx, name) => ({kind: 'action', action: {type: 'menuMove', by: by(name, ['up', 'k'])}}),
		},
		{
			keys: ['enter'],
			description: 'open the chapter under the cursor',
			group: 'menu',
			where: {overlay: 'chapters'},
			intent: (s, ctx) => ({kind: 'action', action: {type: 'chapter', to: ctx.chapters[s.menu].id}}),
		},
		{
			keys: ['esc', 'm', 'q'],
			description: 'close the chapter list',
			group: 'close',
			where: {overlay: 'chapters'},
			intent: act({type: 'close'}),
		},
		{
			keys: ['esc', '?', 'q'],
			description: 'close the help',
			group: 'close',
			where: {overlay: 'help'},
			intent: act({type: 'close'}),
		},
		{
			keys: ['?'],
			description: 'all the keys',
			group: 'help',
			where: {},
			intent: act({type: 'help'}),
			footer: () => ['?', 'help'],
		},
		{
			keys: ['esc'],
			description: 'close a question or notice',
			group: 'close',
			where: {except: ['labs']},
			intent: act({type: 'close'}),
		},
		{
			keys: ['q', 'ctrl+c'],
			description: 'quit',
			group: 'close',
			where: {},
			intent: () => ({kind: 'quit'}),
			footer: () => ['q', 'quit'],
		},
	];
}

export function applies(where: Where, at: Place): boolean {
	if ((where.overlay ?? undefined) !== at.overlay) return false;
	if (where.panels && !where.panels.includes(at.panel)) return false;
	if (where.except?.includes(at.panel)) return false;
	if (where.live !== undefined && where.live !== at.live) return false;
	if (where.leader && !at.leader) return false;
	if (where.instructor && !at.instructor) return false;
	if (where.seat && !at.seat) return false;
	return true;
}

export const placeOf = (s: UiState, ctx: Context): Place => ({
	panel: s.panel,
	live: ctx.live,
	leader: ctx.leader,
	instructor: ctx.panels.some(p => panelById(p)?.instructor),
	seat: ctx.room === 'attendee',
	overlay: s.overlay,
});

/**
 * What a key is called: its character, a name for a key without one ('right', 'enter'), or
 * nothing for Ctrl / Alt + a character (Ctrl+Q is not q) and keys without a name.
 */
export function keyName(input: unknown, key: Key): string | undefined {
	if (key.ctrl && input === 'c') return 'ctrl+c';
	const named: Array<[boolean | undefined, string]> = [
		[key.escape, 'esc'],
		[key.rightArrow, 'right'],
		[key.leftArrow, 'left'],
		[key.upArrow, 'up'],
		[key.downArrow, 'down'],
		[key.pageUp, 'pageup'],
		[key.pageDown, 'pagedown'],
		[key.home, 'home'],
		[key.end, 'end'],
		[key.return, 'enter'],
		[key.backspace || key.delete, 'backspace'],
		[key.tab, key.shift ? 'shift+tab' : 'tab'],
	];
	const found = named.find(([on]) => on);
	if (found) return found[1];
	// Some Ink versions hand on a Ctrl key without a name.
	if (typeof input !== 'string' || input === '') return undefined;
	if ((key.ctrl || key.meta) && !/[\x00-\x1f\x7f]/.test(input)) return undefined;
	return input === ' ' ? 'space' : input;
}

/** The binding a key has here; at most one (test/keys.test.ts proves it for every place). */
export const bindingAt = (name: string, at: Place): Binding | undefined =>
	bindings().find(b => b.keys.includes(name) && applies(b.where, at));

/** The footer: the keys that work right now, help and quit last (the footer never drops those two). */
export function footerKeys(s: UiState, ctx: Context): Array<[string, string]> {
	if (s.confirm)
		return [
			['y', 'quit'],
			['any other key', 'stay'],
		];
	if (s.playing) return [['any key', 'stop autoplay']];
	if (s.overlay === 'help')
		return [
			['Esc', 'close help'],
			['q', 'close'],
		];
	const at = placeOf(s, ctx);
	return bindings().flatMap(b => {
		const entry = applies(b.where, at) ? b.footer?.(s, ctx) : undefined;
		return entry ? [entry] : [];
	});
}

const GLYPHS: Record<string, string> = {
	right: '→',
	left: '←',
	up: '↑',
	down: '↓',
	pageup: 'PgUp',
	pagedown: 'PgDn',
	home: 'Home',
	end: 'End',
	enter: 'Enter',
	esc: 'Esc',
	backspace: 'Backspace',
	tab: 'Tab',
	'shift+tab': 'Shift+Tab',
	space: 'space',
	'ctrl+c': 'Ctrl+C',
};
/** A key as README, the help and the footer write it. */
export const keyLabel = (name: string) => GLYPHS[name] ?? name;

const SPOKEN: Record<string, string> = {
	right: 'right arrow',
	left: 'left arrow',
	up: 'up arrow',
	down: 'down arrow',
	pageup: 'Page Up',
	pagedown: 'Page Down',
	'shift+tab': 'Shift+Tab',
	'[': 'left bracket',
	']': 'right bracket',
	'+': 'plus',
	'=': 'equals',
	'-': 'minus',
};

/** Where a binding works, as a prefix: "Quiz: ", "Live: ", "Chapters: ", "Workshop: ". */
export function whereLabel(where: Where): string {
	if (where.overlay === 'chapters') return 'Chapters: ';
	if (where.overlay === 'poll') return 'Poll: ';
	if (where.panels) return `${where.panels.map(p => panelById(p)!.title).join(', ')}: `;
	if (where.leader || where.instructor || where.seat) return 'Workshop: ';
	return '';
}

/** Runs of three or more single characters in a row ("a b c d", "1 … 9") as a range: "a-d", "1-9". */
function ranges(labels: string[]): string[] {
	const out: string[][] = [];
	for (const label of labels) {
		const run = out.at(-1);
		const last = run?.at(-1);
		const next = label.length === 1 && last?.length === 1 && label.charCodeAt(0) === last.charCodeAt(0) + 1;
		if (run && next) run.push(label);
		else out.push([label]);
	}
	return out.flatMap(r => (r.length > 2 ? [`${r[0]}-${r.at(-1)}`] : r));
}

/** The table by group, for this walkthrough (a workshop's keys only in one): [where, keys, what]. */
function groups(
	ctx: Pick<Context, 'leader' | 'panels' | 'room'>,
): Array<{where: string; keys: string[]; group: Group}> {
	const instructor = ctx.panels.some(p => panelById(p)?.instructor);
	const rows = new Map<Group, {where: string; keys: string[]; group: Group}>();
	for (const b of bindings()) {
		// An overlay's own keys are on the overlay; the help lists what works over the panels.
		const absent = (b.where.leader && !ctx.leader) || (b.where.instructor && !instructor);
		if (absent || (b.where.seat && ctx.room !== 'attendee') || b.where.overlay) continue;
		const row = rows.get(b.group) ?? {where: whereLabel(b.where), keys: [], group: b.group};
		for (const key of b.keys) if (!row.keys.includes(key)) row.keys.push(key);
		rows.set(b.group, row);
	}
	return [...rows.values()];
}

const panelList = (ids: readonly string[]) =>
	ids
		.map(id => panelById(id)!)
		.filter(p => !p.instructor)
		.map(p => p.title)
		.join(' ');

const what = (group: Group, panels: readonly string[]) =>
	group === 'panels' ? `${GROUPS.panels}: ${panelList(panels)}` : GROUPS[group];

/** The ? overlay's rows: keys and what they do. */
export const helpRows = (ctx: Pick<Context, 'leader' | 'panels' | 'room'>): Array<[string, string]> =>
	groups(ctx).map(row => [row.where + ranges(row.keys.map(keyLabel)).join(' '), what(row.group, ctx.panels)]);

/** The keys in words, for the screen reader: one sentence a group. */
export const keysInWords = (ctx: Pick<Context, 'leader' | 'panels' | 'room'>): string[] =>
	groups(ctx).map(row => {
		const keys = ranges(row.keys.map(k => SPOKEN[k] ?? keyLabel(k))).join(', ');
		return `${row.where}${keys}: ${what(row.group, ctx.panels)}.`;
	});

/** The Live panel's how-to: its commands and their keys, without a server attached. */
export const liveKeysInWords = () =>
	(Object.keys(LIVE_KEYS) as LiveCommand[])
		.map(c => `${LIVE_KEYS[c].description} (${LIVE_KEYS[c].keys.join(' ')})`)
		.join('; ');
