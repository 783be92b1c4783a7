// The room's logic without SSH: the shared server's views, polls, keys and results.
import {describe, expect, test} from 'vitest';
import type {LifecycleEvent} from '../source/lifecycle/events';
import {shortAction} from '../source/lifecycle/short';
import type {LiveSource} from '../source/live/source';
import {footerKeys, initialUi, interpretKey, type Context} from '../source/ui/model';
import {step} from '../source/ui/loop';
import {visiblePanels} from '../source/ui/panels';
import {Poll} from '../source/workshop/poll';
import {csvBeside, resultsCsv, type Results} from '../source/workshop/results';
import {WorkshopRoom} from '../source/workshop/room';
import {requester, SharedServer, tagged} from '../source/workshop/shared-server';

/** A LiveSource whose events the test emits, and which records what it is asked. */
function fakeSource() {
	const listeners = new Set<(e: LifecycleEvent) => void>();
	const asked: string[] = [];
	const source: LiveSource = {
		kind: 'server',
		address: '127.0.0.1:8000',
		onEvent: l => (listeners.add(l), () => void listeners.delete(l)),
		onLog: () => () => undefined,
		onExit: () => () => undefined,
		running: () => true,
		request: async path => (asked.push(path), {status: 200, ms: 1}),
		burst: async n => ({sent: n, ok: n, failed: 0, ms: 1}),
		killWorker: () => asked.push('kill'),
		addWorker: () => undefined,
		removeWorker: () => undefined,
		reload: () => undefined,
		stop: async () => undefined,
		start: async () => undefined,
		timed: async (path, n) => (asked.push(`timed ${path} ${n}`), []),
		slowClients: async () => [],
		memory: () => [],
		editApp: text => void asked.push(`edit ${text}`),
		interrupt: () => void asked.push('interrupt'),
		restartWith: async () => undefined,
	};
	return {source, asked, emit: (e: LifecycleEvent) => listeners.forEach(l => l(e))};
}

const accepted = (pid: number, query?: string): LifecycleEvent => ({
	type: 'request.accepted',
	pid,
	id: `${pid}-1`,
	method: 'GET',
	path: '/',
	...(query ? {query} : {}),
});

describe('the shared server', () => {
	test('a late joiner gets the past with its arrival times, then the present', () => {
		const {source, emit} = fakeSource();
		let clock = 1000;
		const shared = new SharedServer(source, {roomControls: false, now: () => clock});
		emit({type: 'master.starting', pid: 1, command: 'x', workers: 1, preload: false, timeout: 30});
		clock = 2000;
		emit({type: 'worker.forked', pid: 2});
		const seen: Array<[string, number | undefined]> = [];
		shared.view('late').onEvent((e, at) => seen.push([e.type, at]));
		clock = 3000;
		emit({type: 'worker.ready', pid: 2});
		expect(seen).toEqual([
			['master.starting', 1000],
			['worker.forked', 2000],
			['worker.ready', 3000],
		]);
	});

	test("requests carry the attendee's name; the room tallies whose each worker served", async () => {
		const {source, asked, emit} = fakeSource();
		const served: Array<[string, number]> = [];
		const shared = new SharedServer(source, {roomControls: false, onServed: (n, pid) => served.push([n, pid])});
		await shared.view('Zoë & co').request('/slow?s=5');
		expect(asked).toEqual(['/slow?s=5&by=Zo%C3%AB%20%26%20co']);
		expect(tagged('/', 'bob')).toBe('/?by=bob');
		emit(accepted(7, 's=5&by=Zo%C3%AB%20%26%20co'));
		emit(accepted(8));
		expect(served).toEqual([['Zoë & co', 7]]);
		expect(requester(accepted(9, 'by=bob'))).toBe('bob');
		expect(shortAction([accepted(9, 'by=bob')])).toBe('9 accepts bob');
		expect(shortAction([accepted(9)])).toBe('9 accepts GET /');
	});

	test('faults are the instructor’s unless --room-controls; b and s once per period per attendee', () => {
		const {source} = fakeSource();
		let clock = 0;
		const shared = new SharedServer(source, {roomControls: false, now: () => clock});
		const alice = shared.view('alice');
		const bob = shared.view('bob');
		for (const fault of ['kill', 'add', 'remove', 'reload', 'toggle'] as const)
			expect(alice.refuse?.(fault)).toMatch(/instructor's/);
		expect(shared.view().refuse?.('kill')).toBeUndefined(); // the instructor
		expect(alice.refuse?.('request')).toBeUndefined();
		expect(alice.refuse?.('burst')).toBeUndefined();
		clock = 10_000;
		expect(alice.refuse?.('burst')).toBe('b: once per 30 s for each attendee; again in 20 s');
		expect(bob.refuse?.('burst')).toBeUndefined(); // per attendee
		expect(alice.refuse?.('slow')).toBeUndefined();
		clock = 30_000;
		expect(alice.refuse?.('burst')).toBeUndefined();
		expect(alice.refuse?.('slow')).toMatch(/^s: once per 60 s .* again in 40 s$/);
		expect(alice.rules).toMatch(/b once per 30 s, s and a once per 60 s; faults are the instructor’s/);
		expect(alice.restart).toBe('the instructor can start it again');
		const open = new SharedServer(source, {roomControls: true}).view('carol');
		expect(open.refuse?.('kill')).toBeUndefined();
		expect(open.restart).toBeUndefined();
	});
});

describe('polls', () => {
	const question = {id: 'q', question: 'Which?', options: ['x', 'y', 'z'], answer: 2};

	test('the answer is hidden until revealed; whoever leaves first is gone, not an answer', () => {
		const poll = new Poll(question, 1);
		expect(poll.answer('a', 2)).toBe(true);
		expect(poll.answer('b', 0)).toBe(true);
		expect(poll.answer('c', 3)).toBe(false); // no such option
		expect(poll.view('a')).toEqual({
			question: {id: 'q', question: 'Which?', options: ['x', 'y', 'z']},
			counts: [1, 0, 1],
			gone: 0,
			revealed: false,
			mine: 2,
		});
		poll.leave('b');
		expect(poll.view()).toMatchObject({counts: [0, 0, 1], gone: 1});
		poll.revealed = true;
		expect(poll.answer('a', 0)).toBe(false); // no changing after the reveal
		expect(poll.view('a')).toMatchObject({answer: 2, mine: 2, revealed: true});
		poll.leave('a'); // after the reveal, leaving changes nothing
		expect(poll.view()).toMatchObject({counts: [0, 0, 1], gone: 1});
	});

	test('the room pushes to every seat; a seat answers for itself only', () => {
		const room = new WorkshopRoom('fp');
		const a = room.join('a');
		const b = room.join('b');
		const seatA = room.seat(a.id);
		let heard = 0;
		room.seat(b.id).subscribe(() => heard++);
		room.push(question);
		expect(heard).toBe(1);
		seatA.answer(1);
		expect(heard).toBe(1); // a's answer is not b's news
		expect(seatA.poll()?.mine).toBe(1);
		expect(room.seat(b.id).poll()?.mine).toBeUndefined();
		room.reveal();
		expect(heard).toBe(2);
		expect(room.poll()).toMatchObject({answer: 2, counts: [0, 1, 0]});
		room.close();
	});
});

describe('room keys', () => {
	const ctx = (extra: Partial<Context>): Context => ({
		steps: 9,
		chapters: [{id: 'request', steps: 9}],
		quiz: [{id: 'q', options: ['x', 'y'], answer: 0}],
		panels: visiblePanels({room: false, live: false}),
		live: false,
		leader: true,
		...extra,
	});

	test('! raises a hand in every context an attendee has; the poll overlay takes a-d and Esc', () => {
		const attendee = ctx({room: 'attendee', poll: {options: 3, revealed: false}});
		for (const panel of ['flow', 'quiz', 'live'] as const) {
			expect(interpretKey('!', {}, initialUi({panel}), {...attendee, live: true})).toEqual({
				kind: 'room',
				command: 'hand',
			});
		}
		const overlay = initialUi({overlay: 'poll'});
		expect(interpretKey('c', {}, overlay, attendee)).toEqual({kind: 'room', command: 'answer', option: 2});
		expect(interpretKey('d', {}, overlay, attendee)).toEqual({kind: 'none'});
		expect(interpretKey('', {escape: true}, overlay, attendee)).toEqual({kind: 'action', action: {type: 'close'}});
		expect(interpretKey('o', {}, initialUi(), attendee)).toEqual({kind: 'action', action: {type: 'poll'}});
		expect(footerKeys(initialUi(), attendee)[0]).toEqual(['!', 'raise hand']);
		expect(interpretKey('!', {}, initialUi(), ctx({}))).toEqual({kind: 'none'}); // not in the workshop
	});

	test('through the loop: a pushed poll opens the overlay, an answer is a room effect, not a state change', () => {
		const attendee = ctx({room: 'attendee', poll: {options: 4, revealed: false}});
		const opened = step(initialUi({playing: true}), {type: 'poll'}, attendee).state;
		expect(opened).toMatchObject({overlay: 'poll', playing: false});
		const answered = step(opened, {type: 'key', input: 'b', key: {}, page: 10}, attendee);
		expect(answered.state).toBe(opened);
		expect(answered.effects).toEqual([{type: 'room', command: 'answer', option: 1, question: 0}]);
		expect(footerKeys(opened, attendee)).toEqual([
			['a-d', 'answer'],
			['Esc', 'close the poll'],
		]);
	});

	test('the instructor polls, reveals and clears hands on the Room panel only', () => {
		const lead = ctx({room: 'instructor', panels: visiblePanels({room: true, live: false}), leader: false});
		const room = initialUi({panel: 'room'});
		expect(interpretKey('o', {}, room, lead)).toEqual({kind: 'room', command: 'push'});
		expect(interpretKey('e', {}, room, lead)).toEqual({kind: 'room', command: 'reveal'});
		expect(interpretKey('c', {}, room, lead)).toEqual({kind: 'room', command: 'clearHand'});
		expect(interpretKey('o', {}, initialUi({panel: 'flow'}), lead)).toEqual({kind: 'none'});
	});
});

describe('results', () => {
	test('the CSV sits beside the JSON and defuses formulas in names', () => {
		expect(csvBeside('/tmp/room.json')).toBe('/tmp/room.csv');
		expect(csvBeside('/tmp/room')).toBe('/tmp/room.csv');
		const results = {
			started: 's',
			ended: 'e',
			address: 'a',
			polls: [],
			labs: [],
			attendees: [
				{
					name: '=HYPERLINK("x")',
					joined: 'j',
					left: null,
					chapter: 'request',
					step: 2,
					panel: 'Flow',
					following: false,
					quiz: {q: {answer: 'a', right: true}},
					quizRight: 1,
					quizAnswered: 1,
					polls: {},
					hands: 0,
					requests: 3,
					labs: {},
				},
			],
		} satisfies Results;
		expect(resultsCsv(results).split('\r\n')[1]).toBe(`"'=HYPERLINK(""x"")",j,,request,2,Flow,false,1,1,a,0,3`);
	});
});
