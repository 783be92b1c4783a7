// The App's side of the labs: the lifecycle state and the server's log lines go to the update
// loop as lab messages; a lab's effects run on the live source and their results come back.
import {useEffect, useRef, useState} from 'react';
import {runEffect} from '../labs/effects';
import type {LabId} from '../labs/types';
import type {LifecycleState} from '../lifecycle/machine';
import type {LiveSource} from '../live/source';
import type {Effect, Msg} from './loop';
import {labsUpdate, type LabsWhere} from './labs-ui';
import type {UiState} from './model';
import type {Live} from './use-live';

const RESULT_WAIT_MS = 1000;

/** --lab NAME: the Labs panel, open on it; a server that could not start says why there. */
export function openLab(ui: UiState, lab: LabId | undefined, server?: LabsWhere['server'], status?: string): UiState {
	if (!lab) return ui;
	const opened = labsUpdate(ui.labs, {type: 'open', id: lab}, {chapter: ui.chapter, server}, 0).ui;
	return {...ui, panel: 'labs', labs: {...opened, status}};
}

/** Runs a lab's step or restart; what comes back (results, a failure to start) is sent to the loop. */
export function runLabEffect(
	source: LiveSource,
	effect: Extract<Effect, {type: 'lab'}>,
	send: (m: Msg) => void,
	later: (m: Msg, served?: number) => void,
	served: () => number,
) {
	const before = served();
	if (!source.running() && effect.effect.type === 'run' && effect.effect.step.command !== 'toggle') {
		send({type: 'labStatus', text: "the server is stopped: R restarts it with the lab's flags"});
		return;
	}
	runEffect(source, effect.effect).then(
		msgs => {
			if (effect.effect.type === 'restart') send({type: 'labStatus'});
			for (const msg of msgs) {
				// Answers the client has can come before the server's response.sent for them.
				const answered = msg.type === 'result' && msg.result.kind === 'timed' ? msg.result.results : [];
				later({type: 'lab', id: effect.id, msg}, before + answered.filter(r => r.status).length);
			}
		},
		(error: Error) => {
			const why = error.message.split('\n')[0];
			// What the server refused (a workshop's faults are the instructor's) is no failure to start.
			send({type: 'labStatus', text: 'refused' in error ? why : `R tries again: could not start: ${why}`});
		},
	);
}

/**
 * Feeds the labs: each new lifecycle state (useLive's, coalesced) and the log lines since the last;
 * then a probe's results, which wait for the events before them (flushed at once) so a goal sees both.
 * Returns how to hand it those results.
 */
export function useLabFeed(live: Live | undefined, source: LiveSource | undefined, send: (m: Msg) => void) {
	const state = live?.state;
	const logs = live?.logs;
	const lines = useRef<Array<{line: string; at: number}>>([]);
	const results = useRef<Array<{msg: Msg; served: number; due: number}>>([]);
	const [tick, setTick] = useState(0);
	const wake = useRef<NodeJS.Timeout | undefined>(undefined);
	useEffect(() => () => clearTimeout(wake.current), []);
	useEffect(() => source?.onLog(line => void lines.current.push({line, at: Date.now()})), [source]);
	const last = useRef<LifecycleState | undefined>(undefined);
	// biome-ignore lint/correctness/useExhaustiveDependencies: once per flush of useLive (events or log lines)
	useEffect(() => {
		if (!state) return;
		for (const {line, at} of lines.current.splice(0)) send({type: 'lab', msg: {type: 'log', line, at}});
		if (last.current !== state) send({type: 'lab', msg: {type: 'lifecycle', state}});
		last.current = state;
		// A result goes once the events it follows are in (or after RESULT_WAIT_MS: a server that sends none).
		const now = Date.now();
		const ready = results.current.filter(r => state.served >= r.served || now >= r.due);
		results.current = results.current.filter(r => !ready.includes(r));
		for (const r of ready) send(r.msg);
		clearTimeout(wake.current);
		if (results.current.length) wake.current = setTimeout(() => setTick(n => n + 1), RESULT_WAIT_MS);
	}, [state, logs, tick]);
	return (msg: Msg, served = 0) => {
		results.current.push({msg, served, due: Date.now() + RESULT_WAIT_MS});
		live?.flush();
		setTick(n => n + 1);
	};
}
