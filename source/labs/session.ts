// A lab attached to a live source without any UI: its events feed the lifecycle machine, the
// lifecycle state and log lines feed labUpdate, and the effects run on the source. The tests
// drive labs through it; a UI may use it too, or do the same wiring in its own update loop.
import {initialState, reduce, type LifecycleState} from '../lifecycle/machine';
import type {LiveSource} from '../live/source';
import {runEffect} from './effects';
import {labById} from './labs';
import {initialLab, labUpdate, type LabEffect, type LabMsg, type LabState} from './machine';
import type {LabId} from './types';

export interface LabSession {
	readonly lab: LabState;
	readonly lifecycle: LifecycleState;
	send(msg: LabMsg): Promise<void>; // resolves when the effects it caused are done
	/** Runs the lab's step `index` (a shortcut for send({type: 'act', ...})). */
	step(index: number): Promise<void>;
	close(): void;
}

export function createLabSession(source: LiveSource, id: LabId): LabSession {
	let lifecycle = initialState;
	let lab = initialLab(id, source.kind);
	const apply = (msg: LabMsg): LabEffect[] => {
		const {state, effects} = labUpdate(lab, msg);
		lab = state;
		return effects;
	};
	const offs = [
		source.onEvent(event => {
			// A restarted server begins a new master: its events start from a fresh machine.
			if (event.type === 'master.starting') lifecycle = {...initialState, seq: lifecycle.seq};
			lifecycle = reduce(lifecycle, event, Date.now());
			apply({type: 'lifecycle', state: lifecycle});
		}),
		source.onLog(line => void apply({type: 'log', line, at: Date.now()})),
	];
	const send = async (msg: LabMsg): Promise<void> => {
		for (const effect of apply(msg)) for (const back of await runEffect(source, effect)) await send(back);
	};
	return {
		get lab() {
			return lab;
		},
		get lifecycle() {
			return lifecycle;
		},
		send,
		step: index => send({type: 'act', step: labById(id)!.steps[index], at: Date.now()}),
		close: () => offs.forEach(off => off()),
	};
}
