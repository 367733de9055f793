export function mayBeEmoji(text: string): boolean;
