// The update loop: each message kind gives the next state and the effects the host runs.
import {describe, expect, test} from 'vitest';
import {buildLesson} from '../source/lesson/lesson';
import {AUTOPLAY_MS, step} from '../source/ui/loop';
import {initialUi, type Context} from '../source/ui/model';
import {visiblePanels} from '../source/ui/panels';

const lesson = buildLesson();
const ctx: Context = {
	steps: 9,
	chapters: [
		{id: 'request', steps: 9},
		{id: 'other', steps: 4},
	],
	quiz: lesson.quiz,
	panels: visiblePanels({room: false, live: false}),
	live: false,
	leader: true,
};
const key = (input: string, extra = {}) => ({type: 'key' as const, input, key: {}, page: 10, ...extra});

describe('update: keys', () => {
	test('a batch of presses is applied once each, and saved once', () => {
		const next = step(initialUi(), key('nnn'), ctx);
		expect(next.state.step).toBe(4);
		expect(next.effects).toEqual([{type: 'save'}]);
	});

	test('a key that changes nothing saved has no effect', () => {
		expect(step(initialUi(), key('?'), ctx).effects).toEqual([]);
	});

	test('q quits after saving what came before it; with a question it asks first', () => {
		expect(step(initialUi(), key('nq'), ctx).effects).toEqual([{type: 'save'}, {type: 'quit'}]);
		const asked = step(initialUi(), key('q', {question: 'Quit? y/n'}), ctx);
		expect(asked).toEqual({state: expect.objectContaining({confirm: 'Quit? y/n'}), effects: []});
		expect(step(asked.state, key('y', {question: 'Quit? y/n'}), ctx).effects).toEqual([{type: 'quit'}]);
	});

	test('a live key becomes a live command to run, and ends typing a path', () => {
		const live = {...ctx, live: true, timeline: {first: 1, last: 3}};
		expect(step(initialUi({panel: 'live'}), key('k'), live).effects).toEqual([{type: 'live', command: 'kill'}]);
		const asking = initialUi({panel: 'live', asking: '/abc'});
		const sent = step(asking, {type: 'key', input: '', key: {return: true}, page: 10}, live);
		expect(sent.effects).toEqual([{type: 'live', command: 'request', path: '/abc'}]);
		expect(sent.state.asking).toBeUndefined();
	});

	test('space starts the autoplay timer, any key stops it', () => {
		const playing = step(initialUi(), key(' '), ctx);
		expect(playing.effects).toEqual([{type: 'timer', ms: AUTOPLAY_MS}]);
		expect(step(playing.state, key('z'), ctx).effects).toEqual([{type: 'timer'}]);
	});
});

describe('update: ticks and the leader', () => {
	test('a tick steps and restarts the timer; the last step stops it', () => {
		const next = step(initialUi({playing: true}), {type: 'tick'}, ctx);
		expect(next).toEqual({
			state: expect.objectContaining({step: 2}),
			effects: [{type: 'save'}, {type: 'timer', ms: AUTOPLAY_MS}],
		});
		const end = step(initialUi({step: 9, playing: true}), {type: 'tick'}, ctx);
		expect(end.effects).toEqual([{type: 'timer'}]);
	});

	test("the leader's move reaches a follower, chapter included, and is saved", () => {
		const next = step(initialUi({following: true}), {type: 'lead', chapter: 'other', step: 3, panel: 'quiz'}, ctx);
		expect(next.state).toMatchObject({chapter: 'other', step: 3, panel: 'quiz'});
		expect(next.effects).toEqual([{type: 'save'}]);
		expect(step(initialUi(), {type: 'lead', step: 3, panel: 'quiz'}, ctx).effects).toEqual([]);
	});
});
