import {describe, expect, test} from 'vitest';
import {buildLesson} from '../source/lesson/lesson';
import {footerKeys, initialUi, interpretKey, update, type Context, type Key, type UiState} from '../source/ui/model';
import {visiblePanels} from '../source/ui/panels';

const NINE = visiblePanels({room: false, live: false});
const TEN = visiblePanels({room: true, live: false});

const lesson = buildLesson();
const ctx: Context = {
	steps: lesson.steps.length,
	chapters: [{id: 'request', steps: lesson.steps.length}],
	quiz: lesson.quiz,
	panels: NINE,
	live: false,
	leader: false,
};
const press = (s: UiState, input: string, key: Key = {}, c = ctx): UiState => {
	const intent = interpretKey(input, key, s, c);
	return intent.kind === 'action' ? update(s, intent.action, c) : s;
};
const keys = (s: UiState, ...inputs: Array<string | Key>) =>
	inputs.reduce<UiState>((acc, k) => (typeof k === 'string' ? press(acc, k) : press(acc, '', k)), s);

describe('keys', () => {
	test('step with arrows and n / p, clamped to 1..9, Home / End', () => {
		let s = keys(initialUi(), {rightArrow: true}, 'n');
		expect(s.step).toBe(3);
		s = keys(s, {leftArrow: true}, 'p', 'p', 'p');
		expect(s.step).toBe(1);
		expect(keys(s, {end: true}).step).toBe(9);
		expect(keys(s, {end: true}, 'n').step).toBe(9);
		expect(keys(s, {end: true}, {home: true}).step).toBe(1);
	});

	test('panels by number and Tab / Shift+Tab, wrapping', () => {
		expect(keys(initialUi(), '6').panel).toBe('quiz');
		expect(keys(initialUi(), {tab: true}).panel).toBe('sample');
		expect(keys(initialUi(), {tab: true, shift: true}).panel).toBe('labs');
		expect(keys(initialUi(), '0').panel).toBe('flow'); // no room panel outside a workshop
		expect(press(initialUi(), '0', {}, {...ctx, panels: TEN}).panel).toBe('room');
	});

	test('q and Ctrl+C quit; ? opens help and Esc closes it; keys do nothing else under help', () => {
		expect(interpretKey('q', {}, initialUi(), ctx)).toEqual({kind: 'quit'});
		expect(interpretKey('c', {ctrl: true}, initialUi(), ctx)).toEqual({kind: 'quit'});
		const help = keys(initialUi(), '?');
		expect(help.overlay).toBe('help');
		expect(keys(help, 'n').step).toBe(1);
		expect(keys(help, {escape: true}).overlay).toBeUndefined();
	});

	test('space plays, ticks advance, any key stops', () => {
		let s = keys(initialUi(), ' ');
		expect(s.playing).toBe(true);
		s = update(s, {type: 'tick'}, ctx);
		expect(s.step).toBe(2);
		s = keys(s, 'z');
		expect(s).toMatchObject({playing: false, step: 2});
		const end = update(update(initialUi({step: 8, playing: true}), {type: 'tick'}, ctx), {type: 'tick'}, ctx);
		expect(end).toMatchObject({step: 9, playing: false});
	});

	test('scrolling never goes above the top', () => {
		const s = keys(initialUi({panel: 'transcript'}), {downArrow: true}, 'j', {pageDown: true});
		expect(s.scroll.transcript).toBe(12);
		expect(keys(s, {pageUp: true}, {pageUp: true}, 'k').scroll.transcript).toBe(0);
	});

	test('quiz: letters answer, arrows and Enter answer, h toggles the hint, [ ] move', () => {
		let s = keys(initialUi({panel: 'quiz'}), 'b');
		expect(s.quiz.answers[lesson.quiz[0].id]).toBe(1);
		s = keys(s, ']', {downArrow: true}, {downArrow: true}, {return: true});
		expect(s.quiz.index).toBe(1);
		expect(s.quiz.answers[lesson.quiz[1].id]).toBe(2);
		s = keys(s, 'h');
		expect(s.quiz.hints[lesson.quiz[1].id]).toBe(true);
		expect(keys(s, '[').quiz).toMatchObject({index: 0, cursor: 1});
		expect(keys(s, 'z').quiz.answers[lesson.quiz[1].id]).toBe(2);
		// Outside the quiz a-d mean nothing, and h is not a hint.
		expect(keys(initialUi(), 'a', 'h').quiz.answers).toEqual({});
	});

	test('v switches to the --preload variant (not when live)', () => {
		expect(keys(initialUi(), 'v').variant).toBe('preload');
		expect(press(initialUi(), 'v', {}, {...ctx, live: true, timeline: {first: 1, last: 5}}).variant).toBe(
			'default',
		);
	});

	test('live: arrows inspect events, End follows the newest again; panel 9 keys are commands', () => {
		const live = {...ctx, live: true, timeline: {first: 3, last: 10}};
		let s = press(initialUi(), '', {leftArrow: true}, live);
		expect(s.cursor).toBe(9);
		s = press(press(s, '', {home: true}, live), '', {leftArrow: true}, live);
		expect(s.cursor).toBe(3);
		expect(press(s, '', {end: true}, live).cursor).toBeUndefined();
		expect(press(initialUi({cursor: 9}), 'n', {}, live).cursor).toBeUndefined();
		const nine = initialUi({panel: 'live'});
		for (const [key, command] of [
			['r', 'request'],
			['b', 'burst'],
			['s', 'slow'],
			['k', 'kill'],
			['+', 'add'],
			['-', 'remove'],
			['g', 'reload'],
			['x', 'toggle'],
		]) {
			expect(interpretKey(key, {}, nine, live)).toEqual({kind: 'live', command});
		}
		expect(interpretKey('r', {}, nine, ctx)).toEqual({kind: 'none'});
	});

	test('workshop: f follows the leader until a navigation key', () => {
		const led = {...ctx, leader: true};
		let s = press(initialUi(), 'f', {}, led);
		expect(s.following).toBe(true);
		s = update(s, {type: 'lead', step: 6, panel: 'table'}, led);
		expect(s).toMatchObject({step: 6, panel: 'table'});
		s = press(s, 'n', {}, led);
		expect(s).toMatchObject({step: 7, following: false});
		expect(update(s, {type: 'lead', step: 2, panel: 'flow'}, led).step).toBe(7);
		expect(press(initialUi(), 'f').following).toBe(false);
	});

	test('a quit question waits for y', () => {
		const s = update(initialUi(), {type: 'confirm', question: 'Quit?'}, ctx);
		expect(interpretKey('y', {}, s, ctx)).toEqual({kind: 'quit'});
		expect(keys(s, 'n').confirm).toBeUndefined();
	});

	test('the footer lists the keys that work now', () => {
		const words = (s: UiState, c = ctx) => footerKeys(s, c).map(([k]) => k);
		expect(words(initialUi())).toEqual(expect.arrayContaining(['←→', 'space', '?', 'q']));
		expect(words(initialUi({panel: 'quiz'}))).toEqual(expect.arrayContaining(['a-d ↑↓ ⏎', 'h']));
		expect(words(initialUi({panel: 'live'}), {...ctx, live: true})).toEqual(
			expect.arrayContaining(['r', 'b', 's', 'k', '+ -', 'g', 'x']),
		);
		expect(words(initialUi({playing: true}))).toEqual(['any key']);
		expect(words(initialUi())).toContain('Tab 1-9 L');
		expect(words(initialUi(), {...ctx, panels: TEN})).toContain('Tab 0-9 L'); // the instructor's room is 0
	});
});

describe('hostile keys', () => {
	const live = {...ctx, live: true};
	test('Ctrl or Alt with a letter is not the bare letter; Ctrl+C still quits', () => {
		const s = initialUi();
		expect(interpretKey('q', {ctrl: true}, s, ctx)).toEqual({kind: 'none'});
		expect(interpretKey('q', {meta: true}, s, ctx)).toEqual({kind: 'none'});
		expect(interpretKey('n', {meta: true}, s, ctx)).toEqual({kind: 'none'});
		expect(interpretKey('k', {ctrl: true}, {...s, panel: 'live'}, live)).toEqual({kind: 'none'});
		expect(interpretKey('x', {ctrl: true}, {...s, panel: 'live'}, live)).toEqual({kind: 'none'});
		expect(interpretKey('k', {}, {...s, panel: 'live'}, live)).toEqual({kind: 'live', command: 'kill'});
		expect(interpretKey('c', {ctrl: true}, s, ctx)).toEqual({kind: 'quit'});
		expect(interpretKey('y', {ctrl: true}, {...s, confirm: 'quit?'}, ctx)).toEqual({
			kind: 'action',
			action: {type: 'close'},
		});
		expect(interpretKey('', {escape: true, meta: true}, {...s, overlay: 'help'}, ctx)).toEqual({
			kind: 'action',
			action: {type: 'close'},
		});
	});

	test('a key without a name (undefined or empty input) does nothing, on every panel', () => {
		for (const panel of TEN) {
			for (const input of [undefined, '']) {
				expect(
					interpretKey(input as unknown as string, {ctrl: true}, initialUi({panel}), {...ctx, panels: TEN}),
				).toEqual({kind: 'none'});
			}
		}
	});
});
