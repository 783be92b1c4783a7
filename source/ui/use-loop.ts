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
	const send = (msg: Msg) => {
		const next = advance(current.current, msg, context.current);
		current.current = next.state;
		setUi(next.state);
		if (next.effects.length) {
			pending.current.push(...next.effects);
			setFlushes(n => n + 1);
		}
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
