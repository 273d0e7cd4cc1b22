import { parseEntityRef } from '@backstage/catalog-model';

/** A timestamp as local date and time, to the second. */
export function formatDateTime(iso: string | undefined): string {
  if (!iso) {
    return '';
  }
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

/** A timestamp as local time of day, to the second. */
export function formatTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleTimeString();
}

/** How long after `from` something happened, such as "+1 min 12 s". */
export function formatElapsed(from: string, to: string): string {
  const seconds = Math.round((Date.parse(to) - Date.parse(from)) / 1000);
  if (!Number.isFinite(seconds) || seconds < 0) {
    return '';
  }
  if (seconds < 60) {
    return `+${seconds} s`;
  }
  const minutes = Math.floor(seconds / 60);
  return `+${minutes} min ${seconds % 60} s`;
}

/** The name part of an entity reference, as people say it ("orders-service"). */
export function entityName(ref: string): string {
  try {
    return parseEntityRef(ref).name;
  } catch {
    return ref;
  }
}
