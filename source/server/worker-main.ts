export async function runWorker(): Promise<void> {
	throw new Error('worker is not built yet');
}
