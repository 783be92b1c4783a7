// Each lab driven through its real action on our server (the process source running dist/cli.js
// serve), checking the goal's verdict and the reveal against the real events.
import {afterEach, describe, expect, test} from 'vitest';
import type {ServerOptions} from '../source/cli/args';
import {labById} from '../source/labs/labs';
import {createLabSession, type LabSession} from '../source/labs/session';
import type {LabId} from '../source/labs/types';
import {createServerSource} from '../source/live/server-source';
import type {LiveSource} from '../source/live/source';
import {childEnv, CLI, until} from './support/terminal';
import {testServer} from './support/server-options';

const sources: LiveSource[] = [];
const sessions: LabSession[] = [];
afterEach(async () => {
	for (const s of sessions.splice(0)) s.close();
	await Promise.all(sources.splice(0).map(s => s.stop()));
});

/** Our server with the lab's flags, attached to a lab session; resolves once every worker is up. */
async function labOn(id: LabId, extra: Partial<ServerOptions> = {}) {
	const lab = labById(id)!;
	const source = createServerSource(testServer({...lab.setup, ...extra}), undefined, CLI, childEnv());
	sources.push(source);
	const session = createLabSession(source, id);
	sessions.push(session);
	await source.start();
	const ready = () => session.lifecycle.workers.filter(w => w.state === 'idle').length >= (lab.setup.workers ?? 1);
	await until('the workers', ready);
	return {source, session, lab};
}
const reveal = (s: LabSession) => s.lab.reveal?.join('\n') ?? '';
const observed = (s: LabSession, ms = 30_000) => until('the lab observed', () => s.lab.phase === 'observed', ms);
const live = (s: LabSession) => s.lifecycle.workers.filter(w => w.state !== 'dead').map(w => w.pid);

describe('labs on our server', () => {
	test('respawn: kill -9, a new pid, the 20.1 log line with the real pid', async () => {
		const {session} = await labOn('respawn');
		const before = live(session);
		await session.send({type: 'predict', answer: 2});
		await session.step(0);
		await observed(session);
		expect(session.lab.verdict).toMatchObject({right: true, planned: true});
		const killed = Number(/Killed (\d+)/.exec(reveal(session))![1]);
		const fresh = Number(/forked (\d+)/.exec(reveal(session))![1]);
		expect(before).toContain(killed);
		expect(before).not.toContain(fresh);
		expect(reveal(session)).toContain(`Worker with pid ${killed} was terminated due to signal 9`);
		expect(reveal(session)).toMatch(/ms after it reaped it: 2 workers/);
	}, 30_000);

	test('timeout: no response, WORKER TIMEOUT about --timeout after the accept, exit code 1', async () => {
		const {session} = await labOn('timeout', {timeout: 2});
		await session.send({type: 'predict', answer: 0}); // wrong on purpose
		void session.step(0);
		await observed(session);
		expect(session.lab.verdict).toMatchObject({right: false, planned: true});
		const text = reveal(session);
		expect(text).toMatch(/The client got: no response/);
		expect(text).toMatch(/WORKER TIMEOUT \(pid:\d+\)/);
		expect(text).toContain('with code 1 (timeout)');
		const silent = Number(/; ([\d.]+) s later/.exec(text)![1]);
		expect(silent).toBeGreaterThanOrEqual(1.5);
		expect(silent).toBeLessThan(5);
	}, 30_000);

	test('timeout-gthread: the slow view answers, no WORKER TIMEOUT', async () => {
		// A view of 10 s past a 2 s timeout is enough to show it.
		const {session} = await labOn('timeout-gthread', {timeout: 2});
		await session.send({type: 'predict', answer: 1});
		await session.step(0);
		await observed(session);
		expect(session.lab.verdict).toMatchObject({right: true, planned: true});
		expect(reveal(session)).toMatch(/Thread \d of worker \d+ ran the view for 1\d(\.\d)? s: 200\./);
		expect(reveal(session)).toContain('WORKER TIMEOUT lines meanwhile: none.');
	}, 40_000);

	test('queueing: six /slow?s=1 on two sync workers take about 3 s; latencies measured', async () => {
		const {session} = await labOn('queueing');
		await session.send({type: 'predict', answer: 3});
		await session.step(0);
		await observed(session);
		const last = Number(/the last answer after ([\d.]+) s/.exec(reveal(session))![1]);
		expect(last).toBeGreaterThanOrEqual(2.9);
		expect(last).toBeLessThan(4.5);
		expect(reveal(session)).toMatch(/Latencies: 1(\.\d)?, 1(\.\d)?, 2(\.\d)?, 2(\.\d)?, 3(\.\d)?, [34](\.\d)? s/);
		expect(session.lab.verdict?.planned).toBe(true);
	}, 30_000);

	test('queueing-ttin: two TTINs, then about 2 s', async () => {
		const {session} = await labOn('queueing-ttin');
		await session.send({type: 'predict', answer: 2});
		await session.step(0);
		// A second TTIN while the first is pending would merge with it (signals of one kind do not queue).
		await until('three workers', () => session.lifecycle.master.wanted === 3);
		await session.step(1);
		await until('four workers', () => session.lifecycle.workers.filter(w => w.state === 'idle').length === 4);
		await session.step(2);
		await observed(session);
		const last = Number(/the last answer after ([\d.]+) s/.exec(reveal(session))![1]);
		expect(last).toBeGreaterThanOrEqual(1.9);
		expect(last).toBeLessThan(3.5);
		expect(session.lab.verdict).toMatchObject({planned: true});
	}, 30_000);

	test('accept: a burst of 200, the master serves none', async () => {
		const {session} = await labOn('accept');
		await session.send({type: 'predict', answer: 1});
		await session.step(0);
		await observed(session);
		expect(session.lab.verdict).toMatchObject({right: true, planned: true});
		const master = session.lifecycle.master.pid;
		expect(reveal(session)).toContain(`the master ${master}: 0.`);
		const served = /Served: (.*); the master/.exec(reveal(session))![1];
		expect(served.split(', ').map(pair => Number(pair.split(':')[0]))).not.toContain(master);
		expect(served.split(', ').reduce((sum, pair) => sum + Number(pair.split(': ')[1]), 0)).toBeGreaterThanOrEqual(
			190,
		);
	}, 30_000);

	for (const [id, preload, text] of [
		['reload', false, 'Bonjour'],
		['reload-preload', true, 'Hello'],
	] as const)
		test(`${id}: edit the greeting, HUP, and GET / says "${text}"`, async () => {
			const {session} = await labOn(id);
			await session.send({type: 'predict', answer: preload ? 1 : 0});
			await session.step(0); // edit-app
			const old = live(session);
			await session.step(1); // HUP
			await until('fresh workers only', () => {
				const now = live(session);
				return (
					now.length === 2 &&
					now.every(pid => !old.includes(pid)) &&
					session.lifecycle.master.state === 'running'
				);
			});
			await session.step(2);
			await observed(session);
			expect(session.lab.verdict).toMatchObject({right: true, planned: true});
			expect(reveal(session)).toMatch(new RegExp(`GET / answered: "${text} from worker \\d+\\."`));
			expect(reveal(session)).toContain(preload ? 'imported by no process' : 'imported by worker');
		}, 30_000);

	test('shutdown: TERM lets the request in flight finish; a late connection is not served', async () => {
		const {session, source} = await labOn('shutdown');
		await session.send({type: 'predict', answer: 0});
		const slow = session.step(0);
		await until('the slow request accepted', () => Object.keys(session.lifecycle.requests).length === 1);
		const stopping = session.step(1);
		await until('the master stopping', () => session.lifecycle.master.state === 'stopping');
		await session.step(2);
		await Promise.all([slow, stopping]);
		await observed(session);
		expect(session.lab.verdict).toMatchObject({right: true, planned: true});
		expect(reveal(session)).toMatch(
			/The request in flight got 200 after [23](\.\d)? s; the one sent during the wait got no response/,
		);
		expect(reveal(session)).toContain('Handling signal: term');
		expect(source.running()).toBe(false);
	}, 30_000);

	test('shutdown-int: INT cuts the request in flight', async () => {
		const {session} = await labOn('shutdown-int');
		await session.send({type: 'predict', answer: 1});
		const slow = session.step(0);
		await until('the slow request accepted', () => Object.keys(session.lifecycle.requests).length === 1);
		await session.step(1);
		await slow;
		await observed(session);
		expect(session.lab.verdict).toMatchObject({right: true, planned: true});
		expect(reveal(session)).toMatch(/The request in flight got no response/);
		expect(reveal(session)).toContain('Handling signal: int');
	}, 30_000);

	test('slow-client: two trickling clients hold both sync workers until --timeout; no 408', async () => {
		const {session} = await labOn('slow-client', {timeout: 3});
		await session.send({type: 'predict', answer: 1});
		const slow = session.step(0);
		await new Promise(resolve => setTimeout(resolve, 500)); // both clients connected and accepted
		await session.step(1);
		await slow;
		await observed(session);
		expect(session.lab.verdict).toMatchObject({right: true, planned: true});
		const text = reveal(session);
		const wait = Number(/GET \/ was answered after ([\d.]+) s/.exec(text)![1]);
		expect(wait).toBeGreaterThanOrEqual(2);
		expect(wait).toBeLessThan(8);
		expect(text).toMatch(/The slow clients: closed after [\d.]+ s, \d+ bytes sent; closed after/);
		expect(text).toMatch(/WORKER TIMEOUT for \d+, \d+\./);
	}, 30_000);

	test('max-requests: the recycled workers served 20 to 30 each', async () => {
		const {session} = await labOn('max-requests');
		await session.send({type: 'predict', answer: 1});
		await session.step(0);
		await observed(session);
		const counts = /after serving ([\d, ]+) requests/.exec(reveal(session))![1].split(', ').map(Number);
		expect(counts.length).toBeGreaterThanOrEqual(5);
		for (const n of counts) {
			expect(n).toBeGreaterThanOrEqual(20);
			expect(n).toBeLessThanOrEqual(30);
		}
		expect(reveal(session)).toContain('Autorestarting worker after current request.');
	}, 30_000);

	test('preload-memory: both runs measured from /proc; our server says what it cannot show', async () => {
		const {session} = await labOn('preload-memory');
		await session.send({type: 'predict', answer: 0});
		await session.step(0);
		await observed(session);
		const text = reveal(session);
		expect(text).toMatch(/Without --preload: master \d+ Rss \d+ Pss \d+ Shared \d+ Private \d+ kB; worker/);
		expect(text).toMatch(/With --preload: master \d+ Rss/);
		expect(text).toContain('child_process.fork');
	}, 60_000);

	test('reset restarts the server with the lab flags', async () => {
		const {session} = await labOn('max-requests', {maxRequests: 0, maxRequestsJitter: 0});
		const first = session.lifecycle.master.pid;
		await session.send({type: 'reset'});
		await until(
			'a new master',
			() => session.lifecycle.master.pid !== first && session.lifecycle.master.state === 'running',
		);
		expect(session.lifecycle.master.command).toContain('--max-requests 20');
	}, 30_000);
});
