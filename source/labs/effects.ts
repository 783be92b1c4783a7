// Running a lab's effects on a live source: each step does the real thing, and what comes back
// (answers, timings, memory) becomes messages for labUpdate. The UI calls these; nothing here
// knows about keys or panels.
import {setTimeout as sleep} from 'node:timers/promises';
import type {LiveSource, ServerFlags} from '../live/source';
import {labById} from './labs';
import type {LabEffect, LabMsg} from './machine';
import type {LabStep} from './types';

const BURST = 200;
const SETTLE_MS = 15_000;

/** Waits until the source reports every wanted worker (memory() reads the live ones), or gives up. */
async function workersUp(source: LiveSource, wanted: number): Promise<void> {
	const until = Date.now() + SETTLE_MS;
	while (source.memory().filter(r => r.role === 'worker').length < wanted && Date.now() < until) await sleep(100);
}

/** Both runs of preload-memory: the lab's flags without --preload, then with, each warmed by a few requests. */
async function measureBoth(source: LiveSource, setup: ServerFlags): Promise<LabMsg[]> {
	const msgs: LabMsg[] = [];
	for (const preload of [false, true]) {
		await source.restartWith({...setup, preload});
		await workersUp(source, setup.workers ?? 1);
		await source.burst(20); // Django imports urls.py and the views on each worker's first request
		msgs.push({type: 'result', at: Date.now(), result: {kind: 'memory', preload, readings: source.memory()}});
	}
	return msgs;
}

/** Runs one step; resolves with the results to send to labUpdate (none for a signal or an edit). */
export async function runStep(source: LiveSource, step: LabStep, labId?: string): Promise<LabMsg[]> {
	const done = (result: Extract<LabMsg, {type: 'result'}>['result']): LabMsg[] => [
		{type: 'result', result, at: Date.now()},
	];
	switch (step.command) {
		case 'slow':
		case 'request': {
			const path = step.path ?? source.path ?? '/';
			return done({kind: 'request', path, result: await source.request(path)});
		}
		case 'timed': {
			const path = step.path ?? '/';
			return done({kind: 'timed', path, results: await source.timed(path, step.count ?? 6)});
		}
		case 'slow-client':
			return done({
				kind: 'slow-client',
				results: await source.slowClients(step.count ?? 1, step.intervalMs ?? 250, step.bytes ?? 200),
			});
		case 'memory': {
			const setup = (labId && labById(labId)?.setup) || {};
			return measureBoth(source, setup);
		}
		case 'burst':
			await source.burst(BURST);
			return [];
		case 'edit-app':
			source.editApp(step.text ?? 'Bonjour');
			return [];
		case 'kill':
			source.killWorker();
			return [];
		case 'add':
			source.addWorker();
			return [];
		case 'remove':
			source.removeWorker();
			return [];
		case 'reload':
			source.reload();
			return [];
		case 'interrupt':
			source.interrupt();
			return [];
		case 'toggle':
			await (source.running() ? source.stop() : source.start());
			return [];
	}
}

/** Runs one effect of labUpdate; resolves with the messages to send back to it. */
export async function runEffect(source: LiveSource, effect: LabEffect): Promise<LabMsg[]> {
	if (effect.type === 'restart') {
		await source.restartWith(effect.flags);
		return [];
	}
	return runStep(source, effect.step, effect.lab);
}
