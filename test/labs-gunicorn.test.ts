// The labs that need real Gunicorn, driven through their real action: edit-app in the working
// copy of the Django project with and without --preload, slow clients, and what --preload shares.
// Skipped (and says why) when Gunicorn or Django is missing, unless GUNICORN_REQUIRED=1.
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import process from 'node:process';
import {afterEach, describe, expect, it} from 'vitest';
import type {ServerOptions} from '../source/cli/args';
import {findGunicorn} from '../source/gunicorn/find';
import {createGunicornSource, projectDir} from '../source/gunicorn/source';
import {labById} from '../source/labs/labs';
import {createLabSession, type LabSession} from '../source/labs/session';
import type {LabId} from '../source/labs/types';
import type {LiveSource} from '../source/live/source';
import {until} from './support/terminal';
import {testServer} from './support/server-options';

const found = await findGunicorn();
const missing = 'error' in found ? found.error : undefined;
const required = process.env.GUNICORN_REQUIRED === '1';
if (missing && !required) console.warn(`real Gunicorn lab tests skipped: ${missing}`);

if (required) it('finds Gunicorn and Django (GUNICORN_REQUIRED=1)', () => expect(missing).toBeUndefined());

const sources: LiveSource[] = [];
const sessions: LabSession[] = [];
afterEach(async () => {
	for (const s of sessions.splice(0)) s.close();
	await Promise.all(sources.splice(0).map(s => s.stop()));
});

async function labOn(id: LabId, extra: Partial<ServerOptions> = {}) {
	const lab = labById(id)!;
	const created = await createGunicornSource(testServer({...lab.setup, ...extra}));
	if ('error' in created) throw new Error(created.error);
	sources.push(created);
	const session = createLabSession(created, id);
	sessions.push(session);
	await created.start();
	const ready = () => session.lifecycle.workers.filter(w => w.state === 'idle').length >= (lab.setup.workers ?? 1);
	await until('the workers', ready, 30_000);
	return {source: created, session};
}
const reveal = (s: LabSession) => s.lab.reveal?.join('\n') ?? '';
const observed = (s: LabSession, ms = 40_000) => until('the lab observed', () => s.lab.phase === 'observed', ms);
const live = (s: LabSession) => s.lifecycle.workers.filter(w => w.state !== 'dead').map(w => w.pid);
const installedSettings = () => readFileSync(join(projectDir()!, 'myproject', 'settings.py'), 'utf8');

describe.skipIf(Boolean(missing))('labs on real Gunicorn', () => {
	for (const [id, preload, text] of [
		['reload', false, 'Bonjour'],
		['reload-preload', true, 'Hello'],
	] as const)
		it(`${id}: edit the copy's greeting, HUP, GET / says "${text}"; installed files untouched`, async () => {
			const before = installedSettings();
			const {session} = await labOn(id);
			await session.send({type: 'predict', answer: preload ? 1 : 0});
			await session.step(0);
			const old = live(session);
			await session.step(1);
			await until(
				'fresh workers only',
				() => {
					const now = live(session);
					return (
						now.length === 2 &&
						now.every(pid => !old.includes(pid)) &&
						session.lifecycle.master.state === 'running'
					);
				},
				30_000,
			);
			await session.step(2);
			await observed(session);
			expect(session.lab.verdict).toMatchObject({right: true, planned: true});
			expect(reveal(session)).toMatch(new RegExp(`GET / answered: "${text} from worker \\d+"`));
			expect(installedSettings()).toBe(before);
		}, 60_000);

	it("respawn: kill -9, a fresh pid, Gunicorn's own line for the real pid", async () => {
		const {session} = await labOn('respawn');
		await session.send({type: 'predict', answer: 2});
		await session.step(0);
		await observed(session);
		expect(session.lab.verdict).toMatchObject({right: true, planned: true});
		const killed = /Killed (\d+)/.exec(reveal(session))![1];
		// 20.1's wording, or 21+'s
		expect(reveal(session)).toMatch(
			new RegExp(
				`Log: .*(Worker with pid ${killed} was terminated due to signal 9|` +
					`Worker \\(pid:${killed}\\) was sent SIGKILL)`,
			),
		);
	}, 60_000);

	it('timeout-gthread: the ThreadWorker answers a view slower than --timeout', async () => {
		const {session} = await labOn('timeout-gthread', {timeout: 2});
		await session.send({type: 'predict', answer: 1});
		await session.step(0);
		await observed(session);
		expect(session.lab.verdict).toMatchObject({right: true, planned: true});
		expect(reveal(session)).toContain('WORKER TIMEOUT lines meanwhile: none.');
	}, 60_000);

	it('slow-client: Gunicorn holds both sync workers until WORKER TIMEOUT and answers no 408', async () => {
		const {session} = await labOn('slow-client', {timeout: 3});
		await session.send({type: 'predict', answer: 1});
		const slow = session.step(0);
		await new Promise(resolve => setTimeout(resolve, 500));
		await session.step(1);
		await slow;
		await observed(session);
		expect(session.lab.verdict).toMatchObject({right: true, planned: true});
		expect(reveal(session)).toMatch(/WORKER TIMEOUT for \d+, \d+\./);
		expect(reveal(session)).toMatch(/The slow clients: closed after [\d.]+ s, \d+ bytes sent; closed after/);
	}, 60_000);

	it('preload-memory: the workers share the preloaded app, their PSS falls', async () => {
		const {session} = await labOn('preload-memory');
		await session.send({type: 'predict', answer: 0});
		await session.step(0);
		await observed(session, 60_000);
		const [, without, withPreload] = /mean PSS: (\d+) kB without, (\d+) kB with/.exec(reveal(session))!.map(Number);
		expect(withPreload).toBeLessThan(without);
		expect(session.lab.verdict).toMatchObject({right: true, planned: true});
		expect(reveal(session)).not.toContain('child_process.fork');
	}, 90_000);
});
