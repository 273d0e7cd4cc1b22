/** How long ago (or from now) an ISO time is, as people say it: `5m ago`, `in 3h`. */
export function relativeTime(
  iso: string | undefined,
  now = Date.now(),
): string {
  if (!iso) return '';
  const milliseconds = Date.parse(iso) - now;
  if (Number.isNaN(milliseconds)) return iso;
  const text = formatDuration(Math.abs(milliseconds));
  return milliseconds > 0 ? `in ${text}` : `${text} ago`;
}

/** A duration in its largest unit: `45s`, `12m`, `3h`, `2d`. */
export function formatDuration(milliseconds: number): string {
  const seconds = Math.floor(milliseconds / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h`;
  return `${Math.floor(hours / 24)}d`;
}
