/** The Electron executable, or null where it was never downloaded. */
export function electronBinary(): string | null;
