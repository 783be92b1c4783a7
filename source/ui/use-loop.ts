// The one update loop as a hook, for the App and the screen-reader App: each message is applied
// once, to the newest state (kept in a ref: keys can arrive faster than redraws), and its effects
// run after the frame is committed (as React effects: an error in one is a render error).
import {useEffect, useRef, useState} from 'react';
import type {Context, UiState} from './model';
import {step as advance, type Effect, type Msg} from './loop';

type Handle = (effect: Exclude<Effect, {type: 'timer'}>) => void;

export function useLoop(ui: UiState, setUi: (s: UiState) => void, ctx: Context, handle: Handle) {
	const current = useRef(ui);
	const context = useRef(ctx);
	context.current = ctx;
	const timer = useRef<NodeJS.Timeout | undefined>(undefined);
	const pending = useRef<Effect[]>([]);
	const [flushes, setFlushes] = useState(0);
	/**
	 * Several messages at once (a batch of the server's) are applied in order, and drawn once; with draw
	 * false, not yet (the server's events folded in slices: the next message drawn shows them).
	 */
	const send = (msgs: Msg | readonly Msg[], draw = true) => {
		const before = pending.current.length;
		for (const msg of Array.isArray(msgs) ? msgs : [msgs]) {
			const next = advance(current.current, msg as Msg, context.current);
			current.current = next.state;
			pending.current.push(...next.effects);
		}
		const effects = pending.current.length > before;
		if (draw || effects) setUi(current.current);
		if (effects) setFlushes(n => n + 1);
	};
	const run = (effect: Effect) => {
		if (effect.type !== 'timer') return handle(effect);
		clearTimeout(timer.current);
		timer.current = effect.ms === undefined ? undefined : setTimeout(() => send({type: 'tick'}), effect.ms);
	};
	// biome-ignore lint/correctness/useExhaustiveDependencies: runs the effects queued since the last frame
	useEffect(() => {
		for (const effect of pending.current.splice(0)) run(effect);
	}, [flushes]);
	useEffect(() => () => clearTimeout(timer.current), []);
	return {send, run, current};
}
