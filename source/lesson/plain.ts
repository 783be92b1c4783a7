export function plainLesson(): string {
	return 'lesson not built yet\n';
}
