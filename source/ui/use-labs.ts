// The App's side of the labs: the lifecycle state and the server's log lines go to the update
// loop as lab messages; a lab's effects run on the live source and their results come back.
import {useEffect, useRef} from 'react';
import {runEffect} from '../labs/effects';
import type {LabId} from '../labs/types';
import type {LifecycleState} from '../lifecycle/machine';
import type {LiveSource} from '../live/source';
import type {Effect, Msg} from './loop';
import {labsUpdate, type LabsWhere} from './labs-ui';
import type {UiState} from './model';

/** --lab NAME: the Labs panel, open on it; a server that could not start says why there. */
export function openLab(ui: UiState, lab: LabId | undefined, server?: LabsWhere['server'], status?: string): UiState {
	if (!lab) return ui;
	const opened = labsUpdate(ui.labs, {type: 'open', id: lab}, {chapter: ui.chapter, server}, 0).ui;
	return {...ui, panel: 'labs', labs: {...opened, status}};
}

/** Runs a lab's step or restart; what comes back (results, a failure to start) is sent to the loop. */
export function runLabEffect(source: LiveSource, effect: Extract<Effect, {type: 'lab'}>, send: (m: Msg) => void) {
	if (!source.running() && effect.effect.type === 'run' && effect.effect.step.command !== 'toggle') {
		send({type: 'labStatus', text: "the server is stopped: R restarts it with the lab's flags"});
		return;
	}
	runEffect(source, effect.effect).then(
		msgs => {
			if (effect.effect.type === 'restart') send({type: 'labStatus'});
			for (const msg of msgs) send({type: 'lab', id: effect.id, msg});
		},
		(error: Error) =>
			send({
				type: 'labStatus',
				text: `the server could not start: ${error.message.split('\n')[0]}; R tries again`,
			}),
	);
}

/** Feeds the labs: each new lifecycle state (useLive's, coalesced), and the log lines since the last. */
export function useLabFeed(
	source: LiveSource | undefined,
	state: LifecycleState | undefined,
	logs: string[] | undefined,
	send: (m: Msg) => void,
) {
	const lines = useRef<Array<{line: string; at: number}>>([]);
	useEffect(() => source?.onLog(line => void lines.current.push({line, at: Date.now()})), [source]);
	const last = useRef<LifecycleState | undefined>(undefined);
	// biome-ignore lint/correctness/useExhaustiveDependencies: once per flush of useLive (events or log lines)
	useEffect(() => {
		if (!state) return;
		for (const {line, at} of lines.current.splice(0)) send({type: 'lab', msg: {type: 'log', line, at}});
		if (last.current !== state) send({type: 'lab', msg: {type: 'lifecycle', state}});
		last.current = state;
	}, [state, logs]);
}
