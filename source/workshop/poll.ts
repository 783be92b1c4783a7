// One poll: a question with options and an answer (a quiz question, or a lab's prediction: then
// options, or none for a number), the attendees' answers, and whether it has been revealed. Until
// then nobody's screen gets the answer. Whoever leaves before the reveal is counted as gone, their
// answer dropped. A lab's poll is revealed when the lab has happened (room-lab.ts).
import type {PollQuestion, PollView} from '../ui/contracts';
import type {RoomLab} from './room-lab';

export class Poll {
	readonly answers = new Map<string, number>();
	/** Names of attendees who left before the reveal, by id. */
	readonly gone = new Set<string>();
	revealed = false;
	readonly pushed = Date.now();

	constructor(
		readonly question: PollQuestion,
		/** 1-based, in the order the instructor pushed them. */
		readonly number: number,
		readonly lab?: RoomLab,
	) {}

	/** A lab's number prediction: no options, any finite number. */
	get numeric(): boolean {
		return this.lab !== undefined && this.question.options.length === 0;
	}

	/** An attendee's answer; false when it is not one (revealed already, or no such option). */
	answer(id: string, option: number): boolean {
		if (this.revealed || !Number.isFinite(option)) return false;
		if (!this.numeric && (!Number.isInteger(option) || option < 0 || option >= this.question.options.length))
			return false;
		this.answers.set(id, option);
		this.lab?.drafts.delete(id);
		return true;
	}

	leave(id: string): void {
		this.lab?.drafts.delete(id);
		if (this.revealed) return;
		this.answers.delete(id);
		this.gone.add(id);
	}

	counts(): number[] {
		const counts = this.question.options.map(() => 0);
		for (const option of this.answers.values()) counts[option]++;
		return counts;
	}

	/** As one screen sees it: `id`'s own answer marked, the answer only once revealed. */
	view(id?: string): PollView {
		const {answer, ...question} = this.question;
		return {
			question,
			counts: this.counts(),
			gone: this.gone.size,
			revealed: this.revealed,
			...(this.revealed ? {answer: this.lab ? this.lab.answer() : answer} : {}),
			...(id !== undefined && this.answers.has(id) ? {mine: this.answers.get(id)} : {}),
			...(this.lab ? {lab: this.labView(id)} : {}),
		};
	}

	/** The lab's side: the number being typed, and once revealed this screen's own reveal. */
	private labView(id?: string): NonNullable<PollView['lab']> {
		const lab = this.lab!;
		const p = lab.lab.prediction;
		const draft = id === undefined ? undefined : lab.drafts.get(id);
		const state = id === undefined || !this.revealed ? undefined : lab.judge(id, this.answers.get(id));
		return {
			id: lab.lab.id,
			acting: lab.acting,
			...(p.kind === 'number' ? {unit: p.unit} : {}),
			...(draft === undefined ? {} : {draft}),
			...(state ? {state} : {}),
			...(this.revealed ? {happened: lab.happened()} : {}),
		};
	}
}
