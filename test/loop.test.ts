// The update loop: each message kind gives the next state and the effects the host runs.
import {describe, expect, test} from 'vitest';
import {buildLesson} from '../source/lesson/lesson';
import type {LifecycleEvent} from '../source/lifecycle/events';
import {initialState, reduceArrivals, type LifecycleState} from '../source/lifecycle/machine';
import {chapterOf} from '../source/ui/course';
import {initialLive, LOG_LINES, type CommandOutcome} from '../source/ui/live-model';
import {AUTOPLAY_MS, step, type Msg} from '../source/ui/loop';
import {initialUi, type Context, type LiveCommand, type UiState} from '../source/ui/model';
import {visiblePanels} from '../source/ui/panels';
import {scrollExtent, type PanelProps} from '../source/ui/panels/render';
import {snapshotLines, transcriptLines} from '../source/ui/panels/Text';
import {lessonView} from '../source/ui/view';

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
		const server = initialLive({running: true});
		expect(step(initialUi({panel: 'live', live: server}), key('k'), live).effects).toEqual([
			{type: 'live', command: 'kill'},
		]);
		const asking = initialUi({panel: 'live', asking: '/abc', live: server});
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

// The attached server's messages: folded by the same machine, statuses said, nothing thrown.
const boot: LifecycleEvent[] = [
	{type: 'master.starting', pid: 10, command: 'serve', workers: 1, preload: false, timeout: 30},
	{type: 'socket.bound', address: '127.0.0.1:8000'},
	{type: 'worker.forked', pid: 11},
	{type: 'app.loaded', pid: 11, where: 'worker', app: 'app:app'},
	{type: 'worker.ready', pid: 11},
];
const attached = (partial: Partial<UiState> = {}) =>
	initialUi({panel: 'live', live: initialLive({running: true}), ...partial});
const liveCtx = {...ctx, live: true, timeline: {first: 0, last: 0}};

describe('update: the server', () => {
	test('events are folded as the machine folds them, and change nothing saved', () => {
		const events = boot.map((e, i) => [e, 1000 + i] as const);
		const next = step(attached(), {type: 'live-events', events}, liveCtx);
		expect(next.state.live!.state).toEqual(reduceArrivals(initialState, events));
		expect(next.state.live!.state.workers).toEqual([expect.objectContaining({pid: 11, state: 'idle'})]);
		expect(next.effects).toEqual([]);
		const empty = step(next.state, {type: 'live-events', events: []}, liveCtx);
		expect(empty.state).toBe(next.state); // nothing new: nothing to draw
	});

	test('log lines are kept in order, the newest LOG_LINES of them', () => {
		let s = attached();
		const lines = Array.from({length: LOG_LINES + 50}, (_, i) => `line ${i}`);
		s = step(s, {type: 'log', lines: lines.slice(0, 30)}, liveCtx).state;
		expect(s.live!.logs).toEqual(lines.slice(0, 30));
		s = step(s, {type: 'log', lines: lines.slice(30)}, liveCtx).state;
		expect(s.live!.logs).toHaveLength(LOG_LINES);
		expect(s.live!.logs.at(0)).toBe('line 50');
		expect(s.live!.logs.at(-1)).toBe(`line ${LOG_LINES + 49}`);
		const huge = step(s, {type: 'log', lines: Array(5000).fill('flood')}, liveCtx).state;
		expect(huge.live!.logs).toEqual(Array(LOG_LINES).fill('flood'));
	});

	test("a command's outcomes say what happened, at once and when it is done", () => {
		const result = (command: LiveCommand, outcome: CommandOutcome, s = attached()) =>
			step(s, {type: 'command-result', command, outcome}, liveCtx).state.live!;
		expect(result('kill', {kind: 'sent'}).status).toBe('SIGKILL sent to a worker: watch the master replace it');
		expect(result('request', {kind: 'sent', path: '/x'}).status).toBe('GET /x …');
		expect(result('request', {kind: 'answered', path: '/x', result: {status: 200, ms: 12.4}}).status).toBe(
			'GET /x -> 200 in 12 ms',
		);
		expect(result('slow', {kind: 'answered', path: '/slow?s=35', result: {ms: 2500, error: 'reset'}}).status).toBe(
			'GET /slow?s=35: no response after 2.5 s (reset)',
		);
		expect(result('burst', {kind: 'refused', text: 'b once per 10 s'}).status).toBe('b once per 10 s');
		expect(result('add', {kind: 'stopped'}).status).toBe('the server is stopped: x starts it');
	});

	test('x: under way from its key until done; x again meanwhile runs nothing', () => {
		const first = step(attached(), key('x'), liveCtx);
		expect(first.effects).toEqual([{type: 'live', command: 'toggle'}]);
		const again = step(first.state, key('x'), liveCtx);
		expect(again.effects).toEqual([]);
		expect(again.state.live!.status).toBe('still stopping …');
		const sent = {type: 'command-result' as const, command: 'toggle' as const};
		const stopping = step(again.state, {...sent, outcome: {kind: 'sent', stopping: true}}, liveCtx).state;
		expect(stopping.live).toMatchObject({
			status: 'stopping: TERM to the server …',
			switching: 'stopping',
			running: true,
		});
		// The processes are gone before the stop is done: x meanwhile still says it is stopping.
		const gone = step(stopping, {type: 'live-running', running: false}, liveCtx).state;
		const early = step(gone, key('x'), liveCtx);
		expect(early.effects).toEqual([]);
		expect(early.state.live!.status).toBe('still stopping …');
		const stopped = step(gone, {...sent, outcome: {kind: 'switched', running: false}}, liveCtx).state;
		expect(stopped.live).toMatchObject({status: 'server stopped; x starts it again', running: false});
		expect(stopped.live!.switching).toBeUndefined();
		expect(step(stopped, key('x'), liveCtx).effects).toEqual([{type: 'live', command: 'toggle'}]);
		// Refused (an attendee's x in a workshop): not under way, so x runs again next time.
		const refused = step(first.state, {...sent, outcome: {kind: 'refused', text: 'the instructor’s'}}, liveCtx);
		expect(refused.state.live!.switching).toBeUndefined();
		expect(step(refused.state, key('x'), liveCtx).effects).toEqual([{type: 'live', command: 'toggle'}]);
	});

	test("s sends the view past the server's own --timeout; on their own project it says why not", () => {
		const booted = step(attached(), {type: 'live-events', events: boot.map(e => [e, 0] as const)}, liveCtx).state;
		expect(step(booted, key('s'), liveCtx).effects).toEqual([{type: 'live', command: 'slow', path: '/slow?s=35'}]);
		const own = {...booted, live: {...booted.live!, project: true}};
		const said = step(own, key('s'), liveCtx);
		expect(said.effects).toEqual([]);
		expect(said.state.live!.status).toMatch(/^s needs the demo's \/slow view/);
	});

	test('the exit says so at once and the synthetic stop counts only if the server did not say it', () => {
		const booted = step(attached(), {type: 'live-events', events: boot.map(e => [e, 0] as const)}, liveCtx).state;
		const exited = step(booted, {type: 'live-exit', code: null, signal: 'SIGKILL'}, liveCtx).state;
		expect(exited.live).toMatchObject({running: false, status: 'server exited (SIGKILL); x starts it again'});
		const masterUp = (s: LifecycleState) => !['down', 'stopped'].includes(s.master.state);
		const stop = [{type: 'master.stopped', code: 128}, 5, masterUp] as const;
		const folded = step(exited, {type: 'live-events', events: [stop]}, liveCtx).state;
		expect(folded.live!.state.master.state).toBe('stopped');
		expect(step(folded, {type: 'live-events', events: [stop]}, liveCtx).state).toBe(folded);
	});

	test('a server started again (a lab reset) clears the old exit from the Live panel', () => {
		const booted = step(attached(), {type: 'live-events', events: boot.map(e => [e, 0] as const)}, liveCtx).state;
		const exited = step(booted, {type: 'live-exit', code: 0, signal: null}, liveCtx).state;
		expect(exited.live!.status).toBe('server exited (code 0); x starts it again');
		const again = step(exited, {type: 'live-events', events: boot.map(e => [e, 9] as const)}, liveCtx).state;
		expect(again.live).toMatchObject({running: true, status: undefined});
	});

	test('messages out of order, or with no server attached, never throw', () => {
		const messages: Msg[] = [
			{type: 'command-result', command: 'toggle', outcome: {kind: 'switched', running: true, address: 'h:1'}},
			{type: 'command-result', command: 'timed', outcome: {kind: 'timed', results: []}},
			{type: 'command-result', command: 'memory', outcome: {kind: 'memory', readings: []}},
			{
				type: 'live-events',
				events: [[{type: 'response.sent', pid: 7, id: 'r9', status: 200, bytes: 1, ms: 1}, 1]],
			},
			{type: 'live-events', events: [[{type: 'worker.ready', pid: 42}, 2]]},
			{type: 'live-exit', code: 0, signal: null},
			{type: 'log', lines: []},
			{type: 'live-running', running: true},
			{type: 'live-state', state: initialState},
		];
		const none = initialUi();
		for (const msg of messages) expect(step(none, msg, liveCtx).state).toBe(none);
		let s = attached();
		for (const msg of [...messages, ...messages.reverse()]) s = step(s, msg, liveCtx).state;
		expect(s.live!.running).toBe(true);
		expect(s.live!.state.rejected.length).toBeGreaterThan(0); // the machine refused them and said why
	});
});

describe('update: scrolling stops at the end of the panel as it is laid out', () => {
	const at = (width: number, height: number, s: UiState): PanelProps => ({
		width,
		height,
		view: lessonView('default', s.step, chapterOf(s.chapter)),
		lesson,
		scroll: s.scroll[s.panel] ?? 0,
		quiz: s.quiz,
		attached: false,
		labs: s.labs,
		chapter: s.chapter,
	});
	test.each([
		[80, 19],
		[140, 12],
	])('the transcript at %i x %i: j past the end stops on its last line; k moves back one', (width, height) => {
		const sized = {...ctx, scrollMax: (s: UiState) => scrollExtent(s.panel, at(width, height, s))};
		const total = transcriptLines(lesson, width, text => text).length;
		expect(total).toBeGreaterThan(height);
		let s = step(initialUi({panel: 'transcript'}), key('j'.repeat(total + 20)), sized).state;
		expect(s.scroll.transcript).toBe(total - (height - 1)); // the last line is the window's last
		s = step(s, key('k'), sized).state;
		expect(s.scroll.transcript).toBe(total - height);
	});
	test('a panel that fits, or the wide flow with the table under it, does not scroll', () => {
		const sized = {...ctx, scrollMax: (s: UiState) => scrollExtent(s.panel, at(200, 60, s))};
		expect(snapshotLines(lesson, 200, text => text).length).toBeLessThan(60);
		expect(step(initialUi({panel: 'snapshot'}), key('jjj'), sized).state.scroll.snapshot).toBe(0);
		expect(step(initialUi({panel: 'flow'}), key('jjj'), sized).state.scroll.flow).toBe(0);
	});
});
