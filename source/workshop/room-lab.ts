// A lab led for the whole room on the shared server: its prediction is a poll (poll.ts), the
// instructor's own lab machine (source/labs/machine.ts, run by their App) decides when it has
// happened, and each attendee's reveal is that same machine's, judged against their prediction.
import {labById} from '../labs/labs';
import {labUpdate, outcomeOf, predictionText, type LabOutcome, type LabState} from '../labs/machine';
import type {Lab, LabId} from '../labs/types';
import type {PollQuestion} from '../ui/contracts';

/** The longest number an attendee may type as a prediction. */
export const DRAFT_MAX = 8;

/** A lab's prediction as a poll's question: a choice's options, or none for a number. */
export function labQuestion(lab: Lab): PollQuestion {
	const p = lab.prediction;
	return {
		id: `lab:${lab.id}`,
		question: lab.question,
		options: p.kind === 'choice' ? p.options : [],
		answer: p.kind === 'choice' ? p.answer : -1,
	};
}

/** The observed machine's verdict and reveal for another prediction: the same goal over the same events. */
export function judged(observed: LabState, prediction: number | undefined): LabState {
	const again: LabState = {
		...observed,
		phase: 'acting',
		prediction: undefined,
		verdict: undefined,
		reveal: undefined,
	};
	const msg =
		prediction === undefined
			? ({type: 'lifecycle', state: observed.lifecycle} as const)
			: ({type: 'predict', answer: prediction} as const);
	return labUpdate(again, msg).state;
}

export class RoomLab {
	readonly lab: Lab;
	/** The instructor's machine for this lab, as their App last reported it. */
	private machine?: LabState;
	/** Set once a report came from after the push (the restart resets it): an older observation is not this one. */
	private armed = false;
	observed?: LabState;
	private readonly judgements = new Map<string, LabState>();
	/** Attendees who did a step of it (--room-controls), by name. */
	readonly by = new Set<string>();
	/** Numbers being typed, by attendee id. */
	readonly drafts = new Map<string, string>();

	constructor(id: LabId) {
		this.lab = labById(id)!;
	}

	/** The instructor's machine moved; true when this is the reveal. */
	hear(s: LabState | undefined): boolean {
		if (!s || s === this.machine || this.observed) return false;
		this.machine = s;
		if (s.phase !== 'observed') {
			this.armed = true;
			return false;
		}
		if (!this.armed) return false;
		this.observed = s;
		return true;
	}

	/** The instructor has begun the lab's steps: the room waits for what happens. */
	get acting(): boolean {
		return this.machine?.phase === 'acting';
	}

	/** One attendee's reveal (computed once, when first asked). */
	judge(id: string, prediction: number | undefined): LabState | undefined {
		if (!this.observed) return undefined;
		let s = this.judgements.get(id);
		if (!s) {
			s = judged(this.observed, prediction);
			this.judgements.set(id, s);
		}
		return s;
	}

	/** What happened, in words (the verdict's, which needs no prediction). */
	happened(): string | undefined {
		return this.observed?.verdict?.happened;
	}

	/** For a choice, the option that really happened (a poll's answer once revealed). */
	answer(): number | undefined {
		const p = this.lab.prediction;
		const happened = this.happened();
		return p.kind === 'choice' && happened !== undefined ? p.options.indexOf(happened) : undefined;
	}

	/** How it came out for a prediction: right, wrong, or observed (none made); 'acting' until the reveal. */
	outcome(id: string, prediction: number | undefined): LabOutcome {
		const s = this.judge(id, prediction);
		return s ? outcomeOf(s) : prediction === undefined ? 'not tried' : 'predicted';
	}

	said(prediction: number | undefined): string | null {
		return predictionText(this.lab, prediction) ?? null;
	}
}
