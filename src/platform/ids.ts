import { v7 as uuidv7 } from 'uuid';

/** Application-generated ids (UUIDv7): time-ordered, so inserts stay index-friendly. */
export function newId(): string {
  return uuidv7();
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}

/** The first block of a UUID: short enough for a message, long enough to find the product. */
export function shortId(id: string): string {
  return id.slice(0, 8);
}

/**
 * A UUIDv7 whose time and random parts come from the caller, so that seeding with the same seed
 * gives the same ids on every run and every backend.
 */
export function deterministicUuidV7(timeMs: number, random: () => number): string {
  const bytes = new Uint8Array(16);
  let t = timeMs;
  for (let i = 5; i >= 0; i--) {
    bytes[i] = t % 256;
    t = Math.floor(t / 256);
  }
  for (let i = 6; i < 16; i++) bytes[i] = Math.floor(random() * 256);
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
