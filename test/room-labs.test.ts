// Labs led for the whole room (issues 15 and 18), end to end: the built CLI as the instructor in a
// pty running one real server, attendees as real SSH clients. The instructor leads a lab, everyone
// predicts, the instructor acts, and each attendee's reveal marks their own prediction.
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterEach, describe, expect, test} from 'vitest';
import {labById} from '../source/labs/labs';
import {initialLab, labUpdate} from '../source/labs/machine';
import {step} from '../source/ui/loop';
import {initialUi, type Context} from '../source/ui/model';
import {visiblePanels} from '../source/ui/panels';
import {collectResults} from '../source/workshop/results';
import {WorkshopRoom} from '../source/workshop/room';
import {attend, cleanUp, instructor, tempDir, type Attendee} from './support/ssh';
import {KEYS} from './support/terminal';

afterEach(cleanUp);

const SHARED = ['--live', '--bind', '127.0.0.1:0', '--graceful-timeout', '2'];
const BACKSPACE = '\x7f';

type Instructor = Awaited<ReturnType<typeof instructor>>['t'];

/**
 * The instructor (on the Live panel) opens a lab on their Labs panel (`downs` below the first) and leads it from
 * the Room panel; resolves, back on the Room panel, once the restarted server runs its two workers.
 */
async function lead(t: Instructor, id: string, downs: number) {
	const before = /master pid (\d+)/.exec(await t.waitFor(/master pid \d+ .*running/))![1];
	t.write('L');
	await t.waitFor('Enter opens a lab');
	for (let i = 0; i < downs; i++) t.write(KEYS.down);
	await t.waitFor(new RegExp(`› not tried ${id} `));
	t.write(KEYS.enter);
	await t.waitFor(`${id}: `);
	t.write('0');
	await t.waitFor(`l leads the lab ${id}`);
	t.write('l');
	await t.waitFor(`Leading ${id}: the server restarts with its flags`);
	t.write('9');
	await t.waitFor(
		s =>
			/master pid (\d+) .*running/.exec(s)?.[1] !== before &&
			/master pid \d+ .*running/.test(s) &&
			(s.match(/^ +\d+ +idle /gm) ?? []).length === 2,
		30_000,
	);
	t.write('0');
	await t.waitFor(`Lab ${id} (`);
}

const typed = async (a: Attendee, keys: string[]) => {
	for (const key of keys) a.write(key);
};

describe("the room's side, without SSH", () => {
	/** The queueing lab's machine, acting, then observed from six timed requests (three rounds of 1 s). */
	function queueing() {
		const acting = labUpdate(initialLab('queueing'), {
			type: 'act',
			step: labById('queueing')!.steps[0],
			at: 0,
		}).state;
		const results = [1, 1, 2, 2, 3, 3].map((s, i) => ({status: 200, ms: s * 1000, start: 0, end: s * 1000 + i}));
		const result = {kind: 'timed', path: '/slow?s=1', results} as const;
		const observed = labUpdate(acting, {type: 'result', at: 1, result}).state;
		return {acting, observed};
	}

	test("numbers typed and sent; revealed by the instructor's machine only after the push, judged per seat", () => {
		const {acting, observed} = queueing();
		expect(observed.phase).toBe('observed');
		const room = new WorkshopRoom('fp');
		const [alice, bob] = ['alice', 'bob', 'carol'].map(n => room.join(n));
		const [seatA, seatB] = [alice, bob].map(a => room.seat(a.id));
		room.leadLab('queueing');
		room.labs({queueing: observed}); // the lab as it was before the push: not this run
		expect(room.poll()?.revealed).toBe(false);
		seatA.type?.('3');
		expect(seatA.poll()?.lab).toMatchObject({id: 'queueing', unit: 's', draft: '3', acting: false});
		expect(seatB.poll()?.lab?.draft).toBeUndefined(); // a draft is its typist's alone
		seatA.answer();
		seatB.answer(6);
		seatB.answer(Number.NaN); // not a number: the prediction stands
		expect(seatA.poll()).toMatchObject({mine: 3});
		expect(seatB.poll()).toMatchObject({mine: 6});
		expect(room.poll()?.lab?.tally).toEqual({
			predicted: ['alice', 'bob'],
			waiting: ['carol'],
			right: [],
			wrong: [],
			none: [],
		});
		room.reveal(); // e reveals a quiz poll; a lab's comes from what happens
		expect(room.poll()?.revealed).toBe(false);
		room.labs({queueing: acting});
		expect(room.poll()?.lab?.acting).toBe(true);
		room.labs({queueing: observed});
		expect(room.poll()?.revealed).toBe(true);
		expect(seatA.poll()?.lab?.state?.verdict).toMatchObject({right: true, predicted: '3 s', happened: '3 s'});
		expect(seatB.poll()?.lab?.state?.verdict).toMatchObject({right: false, predicted: '6 s'});
		expect(seatB.poll()?.lab?.state?.reveal?.[0]).toBe('You predicted: 6 s (not what happened). It happened: 3 s.');
		expect(room.poll()?.lab?.tally).toMatchObject({right: ['alice'], wrong: ['bob'], none: ['carol']});
		seatA.answer(4); // too late to change it
		expect(seatA.poll()?.mine).toBe(3);
		const labs = collectResults(room).attendees.map(a => a.labs.queueing);
		expect(labs).toEqual([
			{prediction: '3 s', outcome: 'right'},
			{prediction: '6 s', outcome: 'wrong'},
			{prediction: null, outcome: 'no prediction'},
		]);
		room.close();
	});

	test("through the loop: l on the Room panel resets the lab (the server's restart) and leads it", () => {
		const ctx = (live: boolean): Context => ({
			steps: 9,
			chapters: [{id: 'request', steps: 9}],
			quiz: [{id: 'q', options: ['x', 'y'], answer: 0}],
			panels: visiblePanels({room: true, live}),
			live,
			leader: false,
			room: 'instructor',
			...(live ? {server: 'server' as const} : {}),
		});
		const room = initialUi({panel: 'room'});
		const press = {type: 'key', input: 'l', key: {}, page: 10} as const;
		const led = step(room, press, ctx(true));
		expect(led.state.labs.open).toBe('queueing'); // the one under the Labs panel's cursor
		expect(led.effects).toEqual([
			{type: 'lab', id: 'queueing', effect: {type: 'restart', flags: labById('queueing')!.setup}},
			{type: 'room', command: 'lead', question: 0, lab: 'queueing'},
		]);
		const alone = step(room, press, ctx(false));
		expect(alone.effects).toEqual([]);
		expect(alone.state.notice).toMatch(/Labs need the room’s server/);
	});
});

describe('a lab led for the room', () => {
	test('everyone predicts, the instructor acts, each sees their own mark; tally, late joiners, results', async () => {
		const dir = tempDir();
		const file = join(dir, 'room.json');
		const {t, port} = await instructor([...SHARED, '--results', file]);
		const before = Number(/master pid (\d+)/.exec(await t.waitFor(/master pid \d+ .*running/))![1]);
		const alice = await attend(port, 'alice');
		const bob = await attend(port, 'bob');
		const eve = await attend(port, 'eve');
		for (const a of [alice, bob, eve]) await a.screen.waitFor('Welcome');

		await lead(t, 'respawn', 3);
		await alice.screen.waitFor('Lab respawn: kill -9 a worker, led on the room');
		for (const a of [alice, bob, eve]) await a.screen.waitFor('Q: You SIGKILL one of two workers');
		expect(await alice.screen.text()).toContain('Predict now (a-d)');

		// Who predicted, never what, until the reveal.
		await t.waitFor('Waiting for 3: alice, bob, eve');
		alice.write('c'); // two: one of them new (right)
		bob.write('a'); // one (wrong)
		eve.write('b');
		await alice.screen.waitFor(/» c\) two: one of them new\s+← yours/);
		await t.waitFor(s => s.includes('Predicted 3: alice, bob, eve') && s.includes('Waiting for 0'));
		expect(await t.text()).not.toMatch(/one of them new|✓/);
		eve.write(KEYS.ctrlC); // leaves mid-lab: gone, not a prediction
		await eve.closed;
		await t.waitFor(s => s.includes('Predicted 2: alice, bob') && s.includes('1 gone (left before the reveal)'));

		// A late joiner mid-lab lands on the question.
		const carol = await attend(port, 'carol');
		await carol.screen.waitFor('Q: You SIGKILL one of two workers');
		await t.waitFor('Waiting for 1: carol');

		// The instructor acts on their Labs panel; the real events reveal it to everyone.
		t.write('L');
		await t.waitFor('[k] kill -9 one worker');
		t.write('k');
		const mine = await alice.screen.waitFor('You predicted: two: one of them new (right).');
		expect(mine).toMatch(/^Right\.$/m);
		const [, killed, forked] = /Killed (\d+); the master forked (\d+)/.exec(mine)!;
		expect(killed).not.toBe(forked);
		expect(mine).toContain(`Worker with pid ${killed} was`); // Gunicorn's own log line, with the real pid
		const bobs = await bob.screen.waitFor('You predicted: one (not what happened).');
		expect(bobs).toMatch(/^Not what happened\.$/m);
		expect(bobs).toContain(`Killed ${killed}; the master forked ${forked}`); // the same real events
		await carol.screen.waitFor('You predicted: - (no prediction made)');

		t.write('0');
		const tally = await t.waitFor('✓ Right 1: alice');
		expect(tally).toContain('Lab respawn (revealed)');
		expect(tally).toContain('It happened: two: one of them new');
		expect(tally).toContain('✗ Wrong 1: bob');
		expect(tally).toContain('No prediction 1: carol');
		// Joining once it is over: the reveal.
		const dave = await attend(port, 'dave');
		await dave.screen.waitFor(s => s.includes('the reveal') && s.includes('It happened: two: one of them new'));

		// The lab ran on a server restarted with its flags: a new master, on the attendees' Live panels too.
		t.write('9');
		const after = /master pid (\d+)/.exec(await t.waitFor(/master pid \d+ .*running/))![1];
		expect(Number(after)).not.toBe(before);
		alice.write(KEYS.esc);
		await alice.screen.waitFor(`master pid ${after}`);

		t.child.kill('SIGTERM');
		expect((await t.exited).exitCode).toBe(0);
		const results = JSON.parse(readFileSync(file, 'utf8'));
		expect(results.labs).toMatchObject([
			{
				key: 'respawn',
				lab: 'respawn',
				revealed: true,
				happened: 'two: one of them new',
				right: 1,
				wrong: 1,
				gone: 1,
			},
		]);
		expect(results.polls).toEqual([]); // a lab's prediction is not a quiz poll
		const labsOf = (name: string) => results.attendees.find((a: {name: string}) => a.name === name).labs;
		expect(labsOf('alice')).toEqual({respawn: {prediction: 'two: one of them new', outcome: 'right'}});
		expect(labsOf('bob')).toEqual({respawn: {prediction: 'one', outcome: 'wrong'}});
		expect(labsOf('eve')).toEqual({respawn: {prediction: null, outcome: 'gone'}});
		expect(labsOf('carol')).toEqual({respawn: {prediction: null, outcome: 'no prediction'}});
		const csv = readFileSync(join(dir, 'room.csv'), 'utf8').split('\r\n');
		expect(csv[0]).toMatch(/,lab:respawn,lab:respawn prediction$/);
		expect(csv.find(row => row.startsWith('alice,'))).toMatch(/,right,two: one of them new$/);
	}, 120_000);

	test('a number prediction is typed and sent; the measured timings judge it', async () => {
		const {t, port} = await instructor(SHARED);
		await t.waitFor(/master pid \d+ .*running/);
		const alice = await attend(port, 'alice');
		const bob = await attend(port, 'bob');
		for (const a of [alice, bob]) await a.screen.waitFor('Welcome');
		await lead(t, 'queueing', 0);
		for (const a of [alice, bob]) await a.screen.waitFor('Type a number (s), then Enter.');
		await typed(alice, ['3', '.', '5']);
		await alice.screen.waitFor('Your prediction (s): 3.5_');
		await typed(alice, [BACKSPACE, BACKSPACE, KEYS.enter]); // 3: two workers, three rounds of 1 s
		await alice.screen.waitFor('Your prediction: 3 s');
		await typed(bob, ['6', KEYS.enter]); // one at a time: wrong
		await bob.screen.waitFor('Your prediction: 6 s');
		await t.waitFor('Predicted 2: alice, bob');
		t.write('L');
		await t.waitFor('[*] six GET /slow?s=1 at once');
		t.write('*');
		const mine = await alice.screen.waitFor(/You predicted: 3 s \(right\)\. It happened: [\d.]+ s\./, 30_000);
		expect(mine).toMatch(/Latencies: [\d., ]+ s; the last answer after [\d.]+ s/);
		expect(mine).toMatch(/^ {2}6 █+ [\d.]+ s$/m); // the latency chart of the real requests
		await bob.screen.waitFor(/You predicted: 6 s \(not what happened\)/);
		t.write('0');
		await t.waitFor(s => s.includes('✓ Right 1: alice') && s.includes('✗ Wrong 1: bob'));
	}, 120_000);

	test('--room-controls: an attendee does the step on their Labs panel; judged as the instructor’s', async () => {
		const {t, port} = await instructor([...SHARED, '--room-controls']);
		await t.waitFor(/master pid \d+ .*running/);
		const alice = await attend(port, 'alice');
		const bob = await attend(port, 'bob');
		for (const a of [alice, bob]) await a.screen.waitFor('Welcome');
		await lead(t, 'respawn', 3);
		await alice.screen.waitFor('You may do it too: on your Labs panel (L), open respawn');
		alice.write('c');
		bob.write('a');
		await t.waitFor('Predicted 2: alice, bob');
		alice.write(KEYS.esc); // alone: Esc and L in one read would be Alt+L
		await alice.screen.waitFor(s => !s.includes('Lab respawn: kill -9'));
		alice.write('L');
		await alice.screen.waitFor('Enter opens a lab');
		await typed(alice, [KEYS.down, KEYS.down, KEYS.down]);
		await alice.screen.waitFor(/› not tried respawn /);
		alice.write(KEYS.enter);
		await alice.screen.waitFor('[k] kill -9 one worker');
		alice.write('k');
		await alice.screen.waitFor('You predicted: two: one of them new (right).');
		await bob.screen.waitFor('You predicted: one (not what happened).');
		await t.waitFor(s => s.includes('✓ Right 1: alice') && s.includes('Its steps done by: alice'));
	}, 120_000);

	test("an attendee cannot restart the room's server from their own Labs panel", async () => {
		const {t, port} = await instructor(SHARED);
		const pid = /master pid (\d+)/.exec(await t.waitFor(/master pid \d+ .*running/))![1];
		const alice = await attend(port, 'alice');
		await alice.screen.waitFor('Welcome');
		alice.write('L');
		await alice.screen.waitFor('Enter opens a lab');
		alice.write(KEYS.enter);
		await alice.screen.waitFor('queueing: ');
		alice.write('R');
		await alice.screen.waitFor("! faults (k + - g x i l t) are the instructor's here");
		expect(await t.text()).toContain(`master pid ${pid}`);
	}, 60_000);
});
