// The workshop's room (issue 18), end to end: one shared server that every attendee follows and
// sends tagged requests to; polls the instructor pushes and reveals; late joiners; raised hands;
// results written whole at the end, SIGTERM included.
import {existsSync, readdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterEach, describe, expect, test} from 'vitest';
import {findGunicorn} from '../source/gunicorn/find';
import {loadHostKey} from '../source/workshop/host-key';
import {WorkshopRoom} from '../source/workshop/room';
import {WorkshopServer} from '../source/workshop/server';
import {attend, cleanUp, cleanups, instructor, tempDir, type Attendee} from './support/ssh';
import {KEYS, sleep} from './support/terminal';

afterEach(cleanUp);

const SHARED = ['--live', '--bind', '127.0.0.1:0', '--graceful-timeout', '2'];
const found = await findGunicorn();
const noGunicorn = 'error' in found && !process.env.GUNICORN_REQUIRED;

describe('one server for the room', () => {
	test('every attendee follows it live; r is tagged with their name; faults are the instructor’s', async () => {
		const {t, port} = await instructor(SHARED);
		await t.waitFor(/master pid \d+ .*running/);
		const alice = await attend(port, 'alice');
		const bob = await attend(port, 'bob');
		// The Live panel, the shared server on it, and the room's rules said there.
		for (const a of [alice, bob]) {
			await a.screen.waitFor(s => /master pid \d+/.test(s) && s.includes('Shared server: r tags your requests'));
		}
		const pid = /master pid (\d+)/.exec(await t.text())![1];
		expect(await alice.screen.text()).toContain(`master pid ${pid}`);

		alice.write('r');
		await alice.screen.waitFor(/GET \/ -> 200 in \d+ ms/);
		// bob's screen shows alice's request arriving: the history is the room's.
		bob.write('3');
		await bob.screen.waitFor(/\d+ (accepts|serves) alice/);
		bob.write(KEYS.home); // bob's own cursor in the history: back to the first event, alone
		await bob.screen.waitFor('Event 1/');
		expect(await alice.screen.text()).not.toContain('Event 1/');
		t.write('0');
		await t.waitFor(/^\d+\s+alice 1$/m);

		alice.write('k');
		await alice.screen.waitFor("faults (k + - g x i l t) are the instructor's here");
		alice.write('b');
		await alice.screen.waitFor(/burst: 200 sent, 200 ok/, 30_000);
		alice.write('b');
		await alice.screen.waitFor(/b: once per 30 s for each attendee; again in \d+ s/);
		await t.waitFor(/^\d+\s+alice \d+/m);
	}, 60_000);

	test('the server’s crash is on every screen, and the instructor starts it again', async () => {
		const {t, port} = await instructor(SHARED);
		await t.waitFor(/master pid \d+ .*running/);
		const alice = await attend(port, 'alice');
		const bob = await attend(port, 'bob');
		await alice.screen.waitFor(/master pid \d+/);
		await bob.screen.waitFor(/master pid \d+/);
		const pid = Number(/master pid (\d+)/.exec(await t.text())![1]);
		process.kill(-pid, 'SIGKILL'); // the whole server, as a crash takes it
		await t.waitFor(/server exited \(SIGKILL\); x starts it again/);
		for (const a of [alice, bob])
			await a.screen.waitFor('server exited (SIGKILL); the instructor can start it again');
		alice.write('x');
		await alice.screen.waitFor("faults (k + - g x i l t) are the instructor's");
		t.write('x');
		await t.waitFor(/server started on 127\.0\.0\.1:\d+/);
		const again = Number(/master pid (\d+)/.exec(await t.waitFor(/master pid \d+ .*running/))![1]);
		expect(again).not.toBe(pid);
		await alice.screen.waitFor(`master pid ${again}`);
		alice.write('r');
		await alice.screen.waitFor(/GET \/ -> 200/);
	}, 60_000);

	test('--room-controls hands the faults to attendees', async () => {
		const {t, port} = await instructor([...SHARED, '--room-controls']);
		await t.waitFor(/master pid \d+ .*running/);
		const alice = await attend(port, 'alice');
		await alice.screen.waitFor('Shared server: r tags your requests');
		expect(await alice.screen.text()).not.toContain('faults are the instructor');
		alice.write('+');
		await alice.screen.waitFor('TTIN sent: one more worker');
		await t.waitFor('Workers wanted 3');
	}, 60_000);
});

describe.skipIf(noGunicorn)('one real Gunicorn for the room', () => {
	test("Gunicorn's own hooks report whose request each worker served", async () => {
		const {t, port} = await instructor(['--gunicorn', '--bind', '127.0.0.1:0', '--graceful-timeout', '2']);
		await t.waitFor(/master pid \d+ .*running/, 30_000);
		const alice = await attend(port, 'alice');
		await alice.screen.waitFor('Shared server: r tags your requests');
		alice.write('r');
		await alice.screen.waitFor(/GET \/ -> 200 in \d+ ms/, 30_000);
		alice.write('3');
		await alice.screen.waitFor('sends 200');
		// Back through the history (alice's own cursor) to the accepted request: whose it was.
		for (let i = 0; i < 6 && !/\d+ accepts alice/.test(await alice.screen.text()); i++) {
			alice.write(KEYS.left);
			await sleep(150);
		}
		await alice.screen.waitFor(/\d+ accepts alice/);
		t.write('0');
		await t.waitFor(/^\d+\s+alice 1$/m);
		t.write('q');
		await t.waitFor('quit and end their sessions? y/n');
		t.write('y');
		expect((await t.exited).exitCode).toBe(0);
	}, 90_000);
});

describe('sessions at one view', () => {
	// Attendees at the live tip on one panel and size are handed one drawing of it (source/ui/parts/Drawn.tsx).
	const tableLines = (lines: string[]) => lines.filter(line => /[│┌├└]/.test(line));
	/** Waits until b's screen shows the table a's does (both draw on their own frames). */
	async function sameTable(a: Attendee, b: Attendee) {
		const deadline = Date.now() + 15_000;
		for (;;) {
			const [x, y] = [tableLines(await a.screen.screen()), tableLines(await b.screen.screen())];
			if (x.length > 0 && x.join('\n') === y.join('\n')) return;
			if (Date.now() > deadline) expect(y).toEqual(x);
			await sleep(50);
		}
	}

	test('each screen shows its own state: the tip alike, its own cursor and size apart', async () => {
		const {t, port} = await instructor(SHARED);
		await t.waitFor(/master pid \d+ .*running/);
		const [alice, bob, carol] = await Promise.all(['alice', 'bob', 'carol'].map(name => attend(port, name)));
		const wide = await attend(port, 'wide', {cols: 130, rows: 30});
		const all = [alice, bob, carol, wide];
		/** r on their Live panel, then back to the Table. */
		const request = async (a: Attendee) => {
			a.write('9');
			await a.screen.waitFor('[9 Live]');
			a.write('r');
			await a.screen.waitFor(/GET \/ -> 200/);
			a.write('3');
			await a.screen.waitFor('[3 Table]');
		};
		for (const a of all) await a.screen.waitFor(/master pid \d+/);
		await request(alice);
		for (const a of all) {
			a.write('3');
			await a.screen.waitFor(/(accepts|serves|from) alice/);
		}
		// The same tip at 80x24: the same table on three screens, at another size its own.
		await sameTable(alice, bob);
		await sameTable(alice, carol);
		expect(tableLines(await wide.screen.screen())[0].length).toBeGreaterThan(80);

		bob.write(KEYS.home); // bob leaves the tip: his own cursor, drawn on his own
		await bob.screen.waitFor('Event 1/');
		await request(carol);
		for (const a of [alice, carol, wide]) await a.screen.waitFor(/(accepts|serves|from) carol/);
		const bobs = await bob.screen.text();
		expect(bobs).toContain('Event 1/');
		expect(bobs).not.toMatch(/(accepts|serves|from) carol/);
		for (const a of [alice, carol, wide]) expect(await a.screen.text()).not.toContain('Event 1/');

		bob.write(KEYS.end); // back at the tip: the table the others show
		await bob.screen.waitFor(/(accepts|serves|from) carol/);
		await sameTable(alice, bob);
	}, 60_000);
});

describe('polls', () => {
	test('pushed to every screen, a live histogram without the answer, then revealed, each answer marked', async () => {
		const {t, port} = await instructor();
		const alice = await attend(port, 'alice');
		const bob = await attend(port, 'bob');
		const carol = await attend(port, 'carol');
		for (const a of [alice, bob, carol]) await a.screen.waitFor('Welcome');
		t.write('0');
		await t.waitFor(/o polls the room: /);
		t.write('o');
		for (const a of [alice, bob, carol]) await a.screen.waitFor('Poll from the instructor');
		alice.write('a'); // question 1's answer is a
		bob.write('b');
		carol.write('a');
		await alice.screen.waitFor('You answered a');
		await t.waitFor(/3 answered of 3 here/);
		const open = await t.text();
		expect(open).toMatch(/^ {2}a █+\s+2 /m);
		expect(open).toMatch(/^ {2}b █+\s+1 /m);
		expect(open).not.toContain('✓'); // the answer stays hidden until the reveal
		// carol leaves before the reveal: gone, not an answer.
		carol.write(KEYS.ctrlC); // (q would close the poll first)
		await carol.closed;
		await t.waitFor(/2 answered of 2 here; 1 gone/);
		t.write('e');
		await alice.screen.waitFor(s => /» a\) .*✓ the answer {2}← yours/.test(s) && s.includes('You got it right.'));
		const bobs = await bob.screen.waitFor('Not this time.');
		expect(bobs).toMatch(/ {2}a\) .*✓ the answer/);
		expect(bobs).toMatch(/» b\) .*← yours/);
		await t.waitFor(/✓ a █+\s+1 /);
		bob.write(KEYS.esc);
		await bob.screen.waitFor(s => !s.includes('Poll:'));
		bob.write('o'); // opens it again
		await bob.screen.waitFor('Poll: the answer');
	}, 60_000);
});

describe('late joiners and hands', () => {
	test('a late joiner lands on the instructor’s step and panel, following; hands show for how long', async () => {
		const {t, port} = await instructor();
		for (const [key, screen] of [
			['n', 'Step 2/9'],
			['n', 'Step 3/9'],
			['3', '[3 Table]'],
		])
			await t.waitFor((t.write(key), screen));
		const late = await attend(port, 'late');
		await late.screen.waitFor(
			s => s.includes('Step 3/9') && s.includes('[3 Table]') && s.includes('following the instructor'),
		);
		t.write('n');
		await late.screen.waitFor('Step 4/9');

		late.write('!');
		await late.screen.waitFor('✋ hand up');
		t.write('0');
		await t.waitFor(/✋ late \d+s/);
		await sleep(2100);
		expect(await t.text()).toMatch(/✋ late [2-9]s/); // how long, kept up to date
		late.write('!'); // the attendee lowers it
		await t.waitFor(s => !s.includes('✋'));
		late.write('!');
		await t.waitFor('✋ late');
		t.write('c'); // the instructor clears it
		await t.waitFor(s => !s.includes('✋'));
		await late.screen.waitFor(s => !s.includes('✋ hand up'));
	}, 60_000);
});

describe('results', () => {
	test('SIGTERM writes the JSON and the CSV whole: each attendee’s progress, quiz and poll answers', async () => {
		const dir = tempDir();
		const file = join(dir, 'room.json');
		const {t, port} = await instructor(['--results', file]);
		const alice = await attend(port, '=alice'); // a name a spreadsheet would run as a formula
		const bob = await attend(port, 'bob');
		await alice.screen.waitFor('Welcome');
		await bob.screen.waitFor('Welcome');
		alice.write('6');
		await alice.screen.waitFor('Question 1/5');
		alice.write('a');
		await alice.screen.waitFor('✓ Correct.');
		t.write('0');
		await t.waitFor('o polls the room');
		t.write('o');
		await bob.screen.waitFor('Poll from the instructor');
		bob.write('b');
		await t.waitFor(/1 answered of 2 here/);
		t.write('e');
		await bob.screen.waitFor('Not this time.');
		bob.write(KEYS.ctrlC);
		await bob.closed;
		t.child.kill('SIGTERM');
		expect((await t.exited).exitCode).toBe(0);
		expect(readdirSync(dir).sort()).toEqual(['room.csv', 'room.json']); // no temporary file left
		const results = JSON.parse(readFileSync(file, 'utf8'));
		expect(results.polls).toMatchObject([{number: 1, revealed: true, answer: 'a', counts: [0, 1, 0, 0], gone: 0}]);
		const [a, b] = results.attendees;
		expect(a).toMatchObject({name: '=alice', chapter: 'request', step: 1, panel: 'Quiz', quizRight: 1, labs: {}});
		expect(a.polls['1']).toEqual({answer: null, right: null});
		expect(b).toMatchObject({name: 'bob', panel: 'Flow', quizAnswered: 0});
		expect(b.polls['1']).toEqual({answer: 'b', right: false});
		expect(b.left).not.toBeNull();
		const csv = readFileSync(join(dir, 'room.csv'), 'utf8').split('\r\n');
		expect(csv[0]).toMatch(/^name,joined,left,chapter,step,panel,following,quiz_right,quiz_answered,quiz:/);
		expect(csv[1]).toMatch(/^'=alice,/);
		expect(csv[2]).toMatch(/^bob,.*,b,0,0$/);
		expect(existsSync(`${file}.tmp`)).toBe(false);
	}, 60_000);
});

describe('a client that stops reading', () => {
	test('is dropped once its queue passes the limit, and the others are unaffected', async () => {
		const room = new WorkshopRoom('SHA256:test');
		const log: string[] = [];
		const server = new WorkshopServer({
			hostKey: loadHostKey(tempDir()).key,
			policy: {kind: 'open'},
			maxSessions: 5,
			idleMs: 600_000,
			room,
			log: line => log.push(line),
		});
		cleanups.push(() => void server.close());
		const port = await server.listen('127.0.0.1', 0);
		// The biggest screen a client may claim, so its frames are large. Before anything queues in the server, the
		// client's SSH window (2 MB in ssh2) and the loopback socket's buffers fill: some 3 MB of frames, 30 s or more.
		const stuck = await attend(port, 'stuck', {cols: 500, rows: 200});
		const other = await attend(port, 'other');
		await stuck.screen.waitFor('Welcome, stuck');
		await other.screen.waitFor('Welcome, other');
		stuck.write('f');
		await stuck.screen.waitFor('following the instructor');
		stuck.socket.pause(); // it reads nothing more: its frames queue up in the server
		const latencies: number[] = [];
		for (let i = 0; room.attendees().some(a => a.name === 'stuck'); i++) {
			if (i > 5000) throw new Error(`never dropped; log: ${log.join('; ')}`);
			// A new size is a whole new frame; the instructor's moves change its content too.
			stuck.channel.setWindow(200, 500 - (i % 2), 0, 0);
			room.setLead(1 + (i % 9), ['flow', 'table', 'transcript'][i % 3]);
			await sleep(40);
			if (i % 10 === 0) {
				const step = (latencies.length % 8) + 2;
				const sent = Date.now();
				other.write(step === 2 ? KEYS.home + KEYS.right : KEYS.right);
				await other.screen.waitFor(`Step ${step}/9`, 5000);
				latencies.push(Date.now() - sent);
			}
		}
		expect(log).toContain('stuck left (1 connected)');
		// The other attendee kept stepping at a key's speed meanwhile, and carries on after.
		expect(latencies.length).toBeGreaterThan(0);
		expect(Math.max(...latencies)).toBeLessThan(1500);
		other.write('6');
		await other.screen.waitFor('Question 1/5');
		expect(room.attendees().map(a => a.name)).toEqual(['other']);
		// Reading again, the dropped client gets what was queued and the reason, then the end.
		stuck.socket.resume();
		await stuck.closed;
		expect(stuck.screen.output).toContain('Your connection could not keep up; the session was closed.');
	}, 240_000);
});
