// The walkthrough for screen readers (--screen-reader, INK_SCREEN_READER=true): the same keys and
// the same model as App.tsx, but nothing is drawn or redrawn. Each change is appended as lines of
// text (Ink's <Static>, written once), so a screen reader reads exactly what is new.
import {useEffect, useMemo, useRef, useState} from 'react';
import {Static, Text, useApp, useInput} from 'ink';
import type {AppProps} from '../contracts';
import {interpretKey, update, type Action, type Context, type UiState} from '../model';
import {visiblePanels} from '../panels';
import {chapterOf, chapterSteps, progressOf, startUi} from '../course';
import {useLive} from '../use-live';
import {lessonFor, lessonView, liveView} from '../view';
import {announce, type Moment} from './announce';

const AUTOPLAY_MS = 2500;

export function ScreenReaderApp({initial, onProgress, notice, live: source}: AppProps) {
	const {exit} = useApp();
	const [ui, setUi] = useState<UiState>(() =>
		startUi(initial, visiblePanels({room: false, live: Boolean(source)}), notice),
	);
	const live = useLive(source);
	const variant = live ? (live.state.master.preload ? 'preload' : 'default') : ui.variant;
	const chapter = chapterOf(ui.chapter);
	const {lesson} = lessonFor(variant, chapter);
	// biome-ignore lint/correctness/useExhaustiveDependencies: the view reads live.state only
	const view = useMemo(
		() => (live ? liveView(live.state, ui.cursor, lesson.liveNotes) : lessonView(variant, ui.step, chapter)),
		[live?.state, ui.cursor, variant, ui.step, lesson, chapter],
	);
	const history = live?.state.history;
	const ctx: Context = {
		steps: lesson.steps.length,
		chapters: chapterSteps(),
		scrollMax: () => 0, // nothing scrolls: every panel is said whole
		quiz: lesson.quiz,
		panels: visiblePanels({room: false, live: Boolean(live)}),
		live: Boolean(live),
		leader: false,
		timeline: history?.length
			? {first: history[0].seq, last: history[history.length - 1].seq}
			: live
				? {first: 0, last: 0}
				: undefined,
	};
	const latest = useRef(ui);
	latest.current = ui;

	// What has been said: each change adds lines, none is ever rewritten.
	const [said, setSaid] = useState<Array<{id: number; text: string}>>([]);
	const before = useRef<Moment | undefined>(undefined);
	// biome-ignore lint/correctness/useExhaustiveDependencies: live.state and lesson reach it through view
	useEffect(() => {
		const now: Moment = {
			ui,
			view,
			lesson,
			live: live && {state: live.state, status: live.status, running: live.running},
		};
		const lines = announce(before.current, now);
		before.current = now;
		if (lines.length > 0) setSaid(s => [...s, ...lines.map((text, i) => ({id: s.length + i, text}))]);
	}, [ui, view, live?.status, live?.running]);

	// biome-ignore lint/correctness/useExhaustiveDependencies: ui.step restarts the timer, with the current ctx
	useEffect(() => {
		if (!ui.playing) return;
		const timer = setTimeout(() => setUi(s => update(s, {type: 'tick'}, ctx)), AUTOPLAY_MS);
		return () => clearTimeout(timer);
	}, [ui.playing, ui.step]);

	// biome-ignore lint/correctness/useExhaustiveDependencies: report progress, not a new callback
	useEffect(() => {
		onProgress?.(progressOf(ui));
	}, [ui.chapter, ui.step, ui.panel, ui.quiz.answers]);

	useInput((input, key) => {
		const presses =
			input.length > 1 && !key.ctrl && !key.meta && !/[\x00-\x1f\x7f]/.test(input) ? [...input] : [input];
		let current = latest.current;
		for (const press of presses) {
			const intent = interpretKey(press, key, current, ctx);
			if (intent.kind === 'quit') return exit();
			if (intent.kind === 'live') live?.run(intent.command);
			if (intent.kind === 'action') current = apply(current, intent.action);
		}
		latest.current = current;
	});
	const apply = (s: UiState, action: Action) => {
		const next = update(s, action, ctx);
		setUi(next);
		return next;
	};

	return <Static items={said}>{line => <Text key={line.id}>{line.text}</Text>}</Static>;
}
